// Grouping rows by a column (the experiment or a param): a header row per distinct cell, with its run count, that
// collapses. The grid shows view items (group headers and runs) by position; runs keep the table's sort inside groups.
import { compareKeys, type Column, type Row } from './columns';

export interface GroupHeader {
  kind: 'group';
  /** The grouped column's cell text for the group's runs (what `collapsed` remembers). */
  key: string;
  label: string;
  count: number;
  collapsed: boolean;
}

export interface RunItem {
  kind: 'run';
  /** Index into the page's rows. */
  index: number;
}

export type ViewItem = GroupHeader | RunItem;

/** The columns rows can be grouped by: the experiment and every param. */
export function groupableColumns(columns: readonly Column[]): Column[] {
  return columns.filter((c) => c.id === 'experiment' || c.group === 'param');
}

/**
 * `order` (row indices, sorted) as view items: without a column, one item per run; with one, groups in the order of
 * their values (empty last), each header followed by its runs unless collapsed. Also the runs in view order, group
 * by group (collapsed ones included), for Compare and Select All.
 */
export function groupItems(rows: readonly Row[], order: readonly number[], column: Column | undefined, collapsed: ReadonlySet<string>): { items: ViewItem[]; runOrder: number[] } {
  if (!column) return { items: order.map((index) => ({ kind: 'run', index })), runOrder: [...order] };
  const groups = new Map<string, { sortKey: ReturnType<Column['key']>; members: number[] }>();
  for (const index of order) {
    const row = rows[index];
    if (!row) continue;
    const key = column.text(row);
    let group = groups.get(key);
    if (!group) {
      group = { sortKey: column.key(row), members: [] };
      groups.set(key, group);
    }
    group.members.push(index);
  }
  const sorted = [...groups.entries()].sort(([, a], [, b]) => compareKeys(a.sortKey, b.sortKey));
  const items: ViewItem[] = [];
  const runOrder: number[] = [];
  for (const [key, group] of sorted) {
    const shut = collapsed.has(key);
    const value = key === '' ? `(no ${column.label})` : key;
    items.push({ kind: 'group', key, label: column.group === 'param' ? `${column.label} = ${value}` : value, count: group.members.length, collapsed: shut });
    runOrder.push(...group.members);
    if (!shut) for (const index of group.members) items.push({ kind: 'run', index });
  }
  return { items, runOrder };
}

/** Fills the Group by list (none, the experiment, each param) when its choices changed, and shows `current`. */
export function fillGroupChoices(select: HTMLSelectElement, columns: readonly Column[], current: string): void {
  const choices: Array<[string, string]> = [['', 'None'], ...groupableColumns(columns).map((c): [string, string] => [c.id, c.group === 'param' ? `Param: ${c.label}` : c.label])];
  const ids = choices.map(([id]) => id);
  if ([...select.options].map((o) => o.value).join('\n') !== ids.join('\n')) {
    while (select.firstChild) select.removeChild(select.firstChild);
    for (const [id, label] of choices) {
      const option = document.createElement('option');
      option.value = id;
      option.textContent = label;
      select.append(option);
    }
  }
  select.value = ids.includes(current) ? current : '';
}
