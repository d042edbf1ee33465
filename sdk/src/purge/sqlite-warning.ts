/**
 * Node 22 prints "ExperimentalWarning: SQLite is an experimental feature…" once per process that loads
 * node:sqlite, which the purge outbox does. A process that has heard it before can drop exactly that
 * warning and no other: every other warning, experimental ones included, still reaches Node's printer
 * and any 'warning' listener. Opt-in, for the process's own entry point to call; the SDK never calls it.
 * It works when called before the first outbox opens (the store loads node:sqlite only then).
 *
 * Node has no switch this narrow (`--disable-warning=ExperimentalWarning` silences every experimental
 * feature), so this filters the one 'warning' event the way vitest and tsx drop theirs.
 */
const SQLITE_WARNING = 'SQLite is an experimental feature and might change at any time';

let installed = false;

export function silenceSqliteExperimentalWarning(): void {
  if (installed) return;
  installed = true;
  const emit = process.emit;
  process.emit = function (this: NodeJS.Process, event: string | symbol, ...args: unknown[]): boolean {
    const warning = args[0];
    if (event === 'warning' && warning instanceof Error && warning.name === 'ExperimentalWarning' && warning.message === SQLITE_WARNING) return false;
    return Reflect.apply(emit, this, [event, ...args]) as boolean;
  } as typeof process.emit;
}
