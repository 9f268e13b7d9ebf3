// The table as CSV (RFC 4180): the shown columns in their order, the rows in view order; numbers at full precision.
import type { CellKey, Column, Row } from './columns';

/**
 * Text a spreadsheet would run as a formula (`=`, `+`, `-`, `@`, tab, CR first) gets a leading `'`: run names and
 * params are untrusted, and CSV files are opened in spreadsheets (OWASP's advice for CSV injection).
 */
function defused(text: string): string {
  return /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
}

/** One field: quoted when it holds a comma, a quote, CR or LF, with quotes doubled. */
function field(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

function cell(value: CellKey): string {
  if (value === null) return '';
  // NaN and ±Infinity as such: String() writes them so.
  if (typeof value === 'number') return String(value);
  return field(defused(value));
}

export function tableCsv(columns: readonly Column[], rows: readonly Row[]): string {
  const lines = [columns.map((c) => field(defused(c.csvLabel ?? c.label))).join(',')];
  for (const row of rows) lines.push(columns.map((c) => cell(c.csv ? c.csv(row) : c.key(row))).join(','));
  return `${lines.join('\r\n')}\r\n`;
}
