/** Served as /admin/static/admin.css (a module string, so the Worker build needs no file access). */
export const ADMIN_CSS = `
:root { color-scheme: light; --ink: #111; --muted: #4a4f57; --line: #c9ced6; --accent: #1f5fbf; --bg: #fff; --panel: #f5f7fa; --ok: #1b5e20; --err: #8c1d18; --warn: #6d4c00; }
* { box-sizing: border-box; }
body { margin: 0; font: 16px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
a { color: var(--accent); }
:focus-visible { outline: 3px solid #ff9e1b; outline-offset: 2px; }
.skip-link { position: absolute; left: 0.5rem; top: -3rem; background: #fff; padding: 0.5rem 1rem; border: 2px solid var(--accent); z-index: 10; }
.skip-link:focus { top: 0.5rem; }
.banner { display: flex; flex-wrap: wrap; gap: 1rem; align-items: center; justify-content: space-between; padding: 0.75rem 1.25rem; background: #0d2a52; color: #fff; }
.banner a, .banner .brand { color: #fff; font-weight: 700; text-decoration: none; }
.banner .who { display: flex; flex-wrap: wrap; gap: 0.75rem; align-items: center; }
.banner label { margin-right: 0.25rem; }
.banner form { display: inline-flex; gap: 0.35rem; align-items: center; margin: 0; }
.site-nav { background: var(--panel); border-bottom: 1px solid var(--line); }
.site-nav ul { list-style: none; display: flex; flex-wrap: wrap; gap: 0.25rem; margin: 0; padding: 0.5rem 1rem; }
.site-nav a { display: inline-block; padding: 0.3rem 0.6rem; border-radius: 4px; text-decoration: none; }
.site-nav a[aria-current="page"] { background: var(--accent); color: #fff; }
main { padding: 1rem 1.25rem 2rem; max-width: 72rem; }
main:focus { outline: none; }
h1 { font-size: 1.6rem; margin: 0.5rem 0 1rem; }
h2 { font-size: 1.25rem; margin: 1.5rem 0 0.5rem; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.95rem; }
th, td { border: 1px solid var(--line); padding: 0.35rem 0.5rem; text-align: left; vertical-align: top; }
thead th { background: var(--panel); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; }
code { font-size: 0.85em; word-break: break-all; }
form.inline { display: inline-flex; flex-wrap: wrap; gap: 0.4rem; align-items: center; margin: 0; }
fieldset { border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; margin: 0 0 1rem; }
legend { font-weight: 600; padding: 0 0.25rem; }
.field { display: grid; gap: 0.2rem; margin: 0 0 0.75rem; max-width: 32rem; }
.field .hint { color: var(--muted); font-size: 0.875rem; }
.slider { display: grid; grid-template-columns: 1fr 7rem; gap: 0.5rem; align-items: center; }
input, select, button { font: inherit; }
input[type="text"], input[type="number"], input[type="date"], input[type="datetime-local"], select, textarea { padding: 0.35rem 0.5rem; border: 1px solid #7a808a; border-radius: 4px; }
textarea { width: 100%; min-height: 6rem; font-family: ui-monospace, monospace; font-size: 0.85rem; }
button, .button { display: inline-block; padding: 0.4rem 0.9rem; border: 1px solid var(--accent); background: var(--accent); color: #fff; border-radius: 4px; cursor: pointer; text-decoration: none; }
button.secondary, .button.secondary { background: #fff; color: var(--accent); }
button.danger { background: var(--err); border-color: var(--err); }
.banner button { background: #fff; color: #0d2a52; border-color: #fff; }
.notice { border-left: 5px solid; padding: 0.5rem 1rem; margin: 0 0 1rem; background: var(--panel); }
.notice p { margin: 0.25rem 0; }
.notice.ok { border-color: var(--ok); }
.notice.error { border-color: var(--err); background: #fdecea; }
.notice.unavailable { border-color: var(--warn); background: #fff8e1; }
.notice .detail { color: var(--muted); font-size: 0.9rem; }
.empty { color: var(--muted); font-style: italic; }
.chart { margin: 0.5rem 0 1.5rem; max-width: 44rem; }
.chart svg[role="img"] { width: 100%; height: auto; border: 1px solid var(--line); background: #fff; }
.legend { list-style: none; display: flex; gap: 1rem; padding: 0; margin: 0.25rem 0; }
.tiles { display: grid; grid-template-columns: repeat(auto-fit, minmax(20rem, 1fr)); gap: 1rem; margin: 0 0 1.5rem; }
.tile { border: 1px solid var(--line); border-radius: 6px; padding: 0.75rem 1rem; background: var(--panel); display: flex; flex-direction: column; }
.tile h2 { font-size: 1.1rem; margin: 0 0 0.5rem; }
.tile .figure { font-size: 1.9rem; font-weight: 700; margin: 0; }
.tile .detail, .tile-note { color: var(--muted); margin: 0.25rem 0; }
.tile table { font-size: 0.875rem; margin: 0.25rem 0; background: #fff; }
.tile-list { margin: 0.25rem 0; padding-left: 1.25rem; }
.tile-link { margin: auto 0 0; padding-top: 0.5rem; }
.op-name { font-weight: 600; }
.op-ref code { white-space: nowrap; word-break: normal; }
.op-name.unknown { font-weight: normal; font-style: italic; color: var(--muted); }
details.access { margin: 1rem 0; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 0.25rem 1rem; margin: 0 0 1rem; }
dl.facts dt { font-weight: 600; }
dl.facts dd { margin: 0; }
.status-on { color: var(--ok); font-weight: 600; }
.status-off { color: var(--err); font-weight: 600; }
.visually-hidden { position: absolute; width: 1px; height: 1px; overflow: hidden; clip: rect(0 0 0 0); white-space: nowrap; }
.site-footer { border-top: 1px solid var(--line); padding: 0.5rem 1.25rem; color: var(--muted); font-size: 0.875rem; }
@media (prefers-reduced-motion: no-preference) { .chart svg polyline { transition: none; } }
`;
