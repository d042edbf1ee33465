/** Small helpers shared by pages. */

export function formatSeconds(s: number | null | undefined, zero = '0 s'): string {
  if (s === null || s === undefined) return '—';
  if (s === 0) return zero;
  if (s % 86400 === 0) return `${s / 86400} d`;
  if (s % 3600 === 0) return `${s / 3600} h`;
  if (s % 60 === 0) return `${s / 60} min`;
  return `${s} s`;
}

export function percent(v: number | null | undefined, digits = 1): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${(v * 100).toFixed(digits)} %`;
}

export function ms(v: number | null | undefined): string {
  return v === null || v === undefined || !Number.isFinite(v) ? '—' : `${v >= 100 ? v.toFixed(0) : v.toFixed(1)} ms`;
}

/** A whole number from a form field, or undefined when empty/invalid. */
export function intField(form: FormData, name: string): number | undefined {
  const raw = String(form.get(name) ?? '').trim();
  if (raw === '' || !/^-?\d+$/.test(raw)) return undefined;
  return Number(raw);
}

export function textField(form: FormData, name: string): string {
  return String(form.get(name) ?? '').trim();
}

export function invalid(message: string) {
  return { ok: false as const, status: 400, code: 'VALIDATION_FAILED', message, unavailable: false };
}

const BYTE_UNITS = ['KiB', 'MiB', 'GiB', 'TiB'];

/** Bytes exactly, with a binary-unit rounding beside them when that reads easier: "12,345 bytes (12.1 KiB)". */
export function formatBytes(n: number | null | undefined): string {
  if (n === null || n === undefined || !Number.isFinite(n)) return '—';
  const exact = `${n.toLocaleString('en-US')} ${n === 1 ? 'byte' : 'bytes'}`;
  let v = n;
  let unit = -1;
  while (v >= 1024 && unit < BYTE_UNITS.length - 1) {
    v /= 1024;
    unit++;
  }
  return unit < 0 ? exact : `${exact} (${v.toFixed(1)} ${BYTE_UNITS[unit]})`;
}

/** An ISO time as the admin tables show it: "2026-12-03 14:05:09Z". */
export function formatTime(iso: string): string {
  return iso.replace('T', ' ').replace(/\.\d+Z$/, 'Z');
}
