// One column per `run.summary` name seen in the rows (`s:<name>`), shown by default, sorted like params: numbers as
// numbers, text as text. Filter them with the filter language's `summary.NAME` (the host filters).
import { isNonFinite } from '../../src/shared/webviews/wireValue';
import { cellText, valueKey, type Column, type Row } from './columns';

function summaryColumn(name: string, numeric: boolean): Column {
  return {
    id: `s:${name}`, label: name, group: 'summary', description: `Summary value ${name} (run.summary)`, width: 110, numeric, defaultShown: true,
    key: (r) => valueKey(r.summary.get(name)),
    text: (r) => cellText(r.summary.get(name)),
  };
}

export function summaryColumns(rows: readonly Row[]): Column[] {
  // Name → whether every value it takes is a number (then the column aligns right).
  const names = new Map<string, boolean>();
  for (const row of rows) {
    for (const [k, v] of row.summary) names.set(k, (names.get(k) ?? true) && (v === null || typeof v === 'number' || isNonFinite(v)));
  }
  return [...names.keys()].sort((a, b) => a.localeCompare(b)).map((name) => summaryColumn(name, names.get(name) ?? false));
}
