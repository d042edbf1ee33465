/*
 * The one CSV writer of the control plane (report, catalog and what-if exports). RFC 4180: a
 * header row, CRLF after every record (the last included), a field enclosed in double quotes
 * when it holds a comma, a double quote, CR or LF, and a double quote inside one doubled.
 *
 * Text cells a spreadsheet would evaluate as a formula (starting with = + - @, tab or CR) get a
 * leading apostrophe (OWASP CSV injection): operation names and catalog fields come from clients.
 * Numbers are written as numbers, so -3 stays -3. Hand-written because that defusing is ours
 * either way, and the quoting rule itself is the three lines below. Pure.
 */

export type CsvValue = string | number | bigint | boolean | Date | null | undefined;
/** A record keyed by column name; missing columns are empty fields. */
export type CsvRow = Readonly<Record<string, CsvValue>>;

export const CSV_CONTENT_TYPE = 'text/csv; charset=utf-8';

const FORMULA_START = /^[=+\-@\t\r]/;
const NEEDS_QUOTES = /[",\r\n]/;

/** One field: empty for null, undefined and non-finite numbers; ISO 8601 for dates; bigints (money) as their digits. */
export function csvField(value: CsvValue): string {
  if (value === null || value === undefined) return '';
  let text: string;
  if (value instanceof Date) text = value.toISOString();
  else if (typeof value === 'number') text = Number.isFinite(value) ? String(value) : '';
  else if (typeof value === 'string') text = FORMULA_START.test(value) ? `'${value}` : value;
  else text = String(value);
  return NEEDS_QUOTES.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
}

/** A header of `columns`, then each row: an array in column order, or a record keyed by column. */
export function toCsv(columns: readonly string[], rows: readonly (readonly CsvValue[] | CsvRow)[]): string {
  const record = (fields: readonly CsvValue[]) => `${fields.map(csvField).join(',')}\r\n`;
  let out = record(columns);
  for (const row of rows) out += record(isFieldList(row) ? row : columns.map((c) => row[c]));
  return out;
}

function isFieldList(row: readonly CsvValue[] | CsvRow): row is readonly CsvValue[] {
  return Array.isArray(row);
}
