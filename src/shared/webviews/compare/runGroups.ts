// Which runs form a group in the comparison's grouped view (issue 16): runs with the same value of one param, runs
// with the same params except one (the usual "same config, different seed"), runs with or without one tag, or runs
// with the same set of tags. Values compare by kind and value, so the number 1 and the text "1" stay apart; keys are
// whole values, labels are cut for display.
import { formatValue } from '../../format';
import type { ParamRow } from './contract';
import { fromWireValue, type WireValue } from '../wireValue';

export type GroupBy = { kind: 'param' | 'except'; param: string } | { kind: 'tag'; tag: string } | { kind: 'tags' };

/** `tags[i]`: the tags of `runIds[i]` (absent or empty: none). */
export type RunTags = ReadonlyArray<readonly string[] | undefined>;

export interface RunGroup {
  /** Stable identity of the group (its values), for hiding and colours. */
  key: string;
  label: string;
  runIds: string[];
}

const VALUE_MAX = 40;
const LABEL_MAX = 120;

const cut = (text: string, max: number): string => (text.length > max ? `${text.slice(0, max - 1)}…` : text);

function keyOf(value: WireValue | undefined): string {
  return JSON.stringify(value ?? null);
}

/** Kinds in label order: numbers, non-finite numbers, booleans, text, missing. */
function rank(value: WireValue): number {
  if (typeof value === 'number') return 0;
  if (typeof value === 'boolean') return 2;
  if (typeof value === 'string') return 3;
  return value === null ? 4 : 1;
}

function compareValues(a: WireValue, b: WireValue): number {
  const ra = rank(a);
  const rb = rank(b);
  if (ra !== rb) return ra - rb;
  if (typeof a === 'number' && typeof b === 'number') return a - b;
  return String(formatValue(fromWireValue(a))).localeCompare(String(formatValue(fromWireValue(b))));
}

function differs(row: ParamRow, count: number): boolean {
  const first = keyOf(row.values[0]);
  for (let i = 1; i < count; i++) if (keyOf(row.values[i]) !== first) return true;
  return false;
}

/** Params whose values differ between the runs: the ones worth grouping by (or grouping across). */
export function groupOptions(params: readonly ParamRow[]): string[] {
  return params.filter((p) => differs(p, p.values.length)).map((p) => p.name);
}

/** Tags some of the runs have and others not (sorted): the ones worth grouping by. */
export function tagOptions(tags: RunTags, runs: number): string[] {
  const counts = new Map<string, number>();
  for (let i = 0; i < runs; i++) for (const tag of new Set(tags[i] ?? [])) counts.set(tag, (counts.get(tag) ?? 0) + 1);
  return [...counts].filter(([, n]) => n < runs).map(([tag]) => tag).sort((a, b) => a.localeCompare(b));
}

/** Whether the runs differ in their sets of tags (grouping by "same tags" then tells them apart). */
export function tagsDiffer(tags: RunTags, runs: number): boolean {
  const first = tagSetKey(tags[0]);
  for (let i = 1; i < runs; i++) if (tagSetKey(tags[i]) !== first) return true;
  return false;
}

const tagSetKey = (tags: readonly string[] | undefined): string => JSON.stringify([...new Set(tags ?? [])].sort());

/** Runs by their tags: with and without one tag (tagged first), or by their whole set of tags (untagged last). */
function groupByTags(runIds: readonly string[], tags: RunTags, by: { kind: 'tag'; tag: string } | { kind: 'tags' }): RunGroup[] {
  const groups = new Map<string, { sort: string; label: string; runIds: string[] }>();
  runIds.forEach((id, i) => {
    const own = tags[i] ?? [];
    let key: string;
    let label: string;
    let sort: string;
    if (by.kind === 'tag') {
      const has = own.includes(by.tag);
      key = JSON.stringify(['tag', by.tag, has]);
      label = `${has ? 'tagged' : 'not tagged'} ${cut(by.tag, VALUE_MAX)}`;
      sort = has ? '0' : '1';
    } else {
      const set = [...new Set(own)].sort((a, b) => a.localeCompare(b));
      key = JSON.stringify(['tags', set]);
      label = set.length ? cut(`tags: ${set.map((t) => cut(t, VALUE_MAX)).join(', ')}`, LABEL_MAX) : 'no tags';
      sort = set.length ? `0${label}` : '1';
    }
    const group = groups.get(key);
    if (group) group.runIds.push(id);
    else groups.set(key, { sort, label, runIds: [id] });
  });
  return [...groups.entries()].sort(([, a], [, b]) => a.sort.localeCompare(b.sort)).map(([key, g]) => ({ key, label: g.label, runIds: g.runIds }));
}

/**
 * The runs (in `runIds` order, `params[k].values[i]` and `tags[i]` for `runIds[i]`) as groups, ordered by their
 * values.
 */
export function groupRuns(runIds: readonly string[], params: readonly ParamRow[], by: GroupBy, tags: RunTags = []): RunGroup[] {
  if (by.kind === 'tag' || by.kind === 'tags') return groupByTags(runIds, tags, by);
  // The params a group is told apart by: the one chosen, or every other param that differs between the runs.
  const shown = by.kind === 'param'
    ? [params.find((p) => p.name === by.param) ?? { name: by.param, values: [] }]
    : params.filter((p) => p.name !== by.param && differs(p, runIds.length));
  const groups = new Map<string, { values: WireValue[]; runIds: string[] }>();
  runIds.forEach((id, i) => {
    const values = shown.map((p) => p.values[i] ?? null);
    const key = JSON.stringify(values);
    const group = groups.get(key);
    if (group) group.runIds.push(id);
    else groups.set(key, { values, runIds: [id] });
  });
  const label = (values: readonly WireValue[]): string => {
    if (shown.length === 0) return 'all runs';
    return cut(shown.map((p, k) => {
      const v = values[k] ?? null;
      return v === null ? `no ${cut(p.name, VALUE_MAX)}` : `${cut(p.name, VALUE_MAX)}=${cut(formatValue(fromWireValue(v)), VALUE_MAX)}`;
    }).join(', '), LABEL_MAX);
  };
  return [...groups.entries()]
    .sort(([, a], [, b]) => {
      for (let k = 0; k < shown.length; k++) {
        const c = compareValues(a.values[k] ?? null, b.values[k] ?? null);
        if (c !== 0) return c;
      }
      return 0;
    })
    .map(([key, g]) => ({ key, label: label(g.values), runIds: g.runIds }));
}
