/*
 * RFC 4180 CSV for report exports: CRLF line ends, a header row, fields quoted when they hold a
 * comma, quote or line break. Pure.
 */

export type CsvValue = string | number | boolean | Date | null | undefined;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

// Spreadsheets evaluate a cell starting with = + - @ (tab, CR) as a formula; operation names come
// from client documents, so text cells are defused with a leading apostrophe (OWASP CSV injection).
const FORMULA_START = /^[=+\-@\t\r]/;

function field(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number') return Number.isFinite(value) ? String(value) : '';
  if (typeof value === 'boolean') return value ? 'true' : 'false';
  const text = FORMULA_START.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

export function toCsv(columns: readonly string[], rows: readonly Record<string, CsvValue>[]): string {
  const lines = [columns.map(field).join(',')];
  for (const row of rows) lines.push(columns.map((c) => field(row[c])).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
