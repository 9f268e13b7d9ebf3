// The Runs view's filter (docs/filter-language.md) as an MLflow runs/search filter, for listing a server's matching
// runs first. MLflow's grammar is clauses joined by AND (no OR, no NOT, no parentheses); params and tags compare as
// text with = != LIKE ILIKE, metrics (their latest values) with = != < <= > >= against numbers, string attributes
// with = != LIKE ILIKE IN NOT IN. So only top-level conjuncts translate, and only where the server's answer is a
// superset of what the local filter keeps for a remote run (the local filter still runs on every row): a conjunct
// that cannot say that (bare names, metric histories, functions, OR/NOT, numbers against text params written
// otherwise) is left to the local filter. Experiment conditions pick the experiments to search instead.
import { compileFilter, NUMBER, tokenize, type Token } from '../filterLanguage';

export interface ServerFilter {
  /** runs/search `filter`: translated conjuncts joined by AND; '' when none translates. */
  filter: string;
  /** Which experiments (by name) can hold matching runs; undefined: all. */
  experiment?: (name: string) => boolean;
  /** Conjuncts applied only locally, as typed. */
  local: string[];
}

const STATUS_OF: ReadonlyMap<string, readonly string[]> = new Map([
  ['running', ['RUNNING', 'SCHEDULED']], ['finished', ['FINISHED']], ['failed', ['FAILED']], ['killed', ['KILLED']], ['crashed', []],
]);
/** MLflow's key characters (a key outside them is on no MLflow run, and could not be quoted safely). */
const MLFLOW_KEY = /^[\w.\- /:]{1,250}$/;
const ORDERING = new Set(['<', '<=', '>', '>=']);

/** A text value as an MLflow string literal, or undefined when it holds what MLflow's parser reads differently. */
function literal(text: string): string | undefined {
  // MLflow strips the outer quotes only: a quote or backslash inside (or a control character) is not expressible.
  return /['"\\\u0000-\u001f]/.test(text) ? undefined : `'${text}'`;
}

function key(entity: 'params' | 'tags' | 'metrics', name: string): string | undefined {
  return MLFLOW_KEY.test(name) && !name.includes('`') ? `${entity}.\`${name}\`` : undefined;
}

/** Splits tokens at `and` outside parentheses; undefined when an `or` stands there (then no conjunct is implied). */
function conjuncts(tokens: readonly Token[]): Token[][] | undefined {
  const out: Token[][] = [[]];
  let depth = 0;
  for (const t of tokens) {
    if (t.kind === '(') depth++;
    if (t.kind === ')') depth--;
    const word = t.kind === 'word' ? t.text.toLowerCase() : '';
    if (depth === 0 && word === 'or') return undefined;
    if (depth === 0 && word === 'and') { out.push([]); continue; }
    out[out.length - 1]?.push(t);
  }
  return out.filter((c) => c.length > 0);
}

/** `( … )` around a whole conjunct. */
function wrapped(c: readonly Token[]): boolean {
  if (c[0]?.kind !== '(' || c[c.length - 1]?.kind !== ')') return false;
  let depth = 0;
  for (let i = 0; i < c.length; i++) {
    const t = c[i];
    if (t?.kind === '(') depth++;
    if (t?.kind === ')') depth--;
    if (depth === 0 && i < c.length - 1) return false;
  }
  return true;
}

interface Condition { field: Token; op: string; values: Token[] }

/** `name op value` or `name in (v, …)`; undefined for any other shape. */
function conditionOf(c: readonly Token[]): Condition | undefined {
  const [field, op, ...rest] = c;
  if (!field || !op || (field.kind !== 'word' && field.kind !== 'string')) return undefined;
  const isValue = (t: Token | undefined): t is Token => t !== undefined && (t.kind === 'word' || t.kind === 'string' || t.kind === 'number');
  if (op.kind === 'word' && op.text.toLowerCase() === 'in') {
    if (rest[0]?.kind !== '(' || rest[rest.length - 1]?.kind !== ')') return undefined;
    const values: Token[] = [];
    for (let i = 1; i < rest.length - 1; i += 2) {
      const v = rest[i];
      if (!isValue(v) || (i + 1 < rest.length - 1 && rest[i + 1]?.kind !== ',')) return undefined;
      values.push(v);
    }
    return values.length > 0 ? { field, op: 'in', values } : undefined;
  }
  if (op.kind !== 'op' || rest.length !== 1 || !isValue(rest[0])) return undefined;
  return { field, op: op.text === '==' ? '=' : op.text, values: [rest[0]] };
}

const numberOf = (t: Token): number | undefined => (NUMBER.test(t.text) ? Number(t.text) : undefined);
const isKeyword = (t: Token): boolean => ['true', 'false', 'null'].includes(t.text.toLowerCase());

/**
 * A param compared as MLflow text: the mirror reads "0.01" as the number 0.01 and "1e-2" stays text, so a number
 * written other than as JavaScript writes it ("1e-2", "007") cannot be matched by text, nor can true/false/null.
 */
function paramText(v: Token): string | undefined {
  if (isKeyword(v)) return undefined;
  const n = numberOf(v);
  if (n !== undefined && (!Number.isFinite(n) || String(n) !== v.text)) return undefined;
  if (n === undefined && /^[-+]?(nan|inf|infinity)$/i.test(v.text)) return undefined;
  return literal(v.text);
}

/** Contains-text as ILIKE: `%` and `_` in the text only widen the match (a superset), so they need no escaping. */
function contains(text: string): string | undefined {
  return text === '' ? undefined : literal(`%${text}%`);
}

/** A condition as MLflow clauses (joined by AND), or undefined when it is left to the local filter. */
function clauseOf(c: Condition): string | undefined {
  const name = c.field.kind === 'word' ? c.field.text : '';
  const lower = name.toLowerCase();
  const [v] = c.values;
  if (!v) return undefined;
  if (lower === 'status') {
    const wanted = c.values.flatMap((x) => STATUS_OF.get(x.text.toLowerCase()) ?? []);
    if (wanted.length === 0 || (c.op !== '=' && c.op !== 'in' && !(c.op === '!=' && c.values.length === 1))) return undefined;
    const list = `(${wanted.map((s) => `'${s}'`).join(', ')})`;
    if (c.op === '!=') return `attributes.status NOT IN ${list}`;
    return wanted.length === 1 ? `attributes.status = '${wanted[0] ?? ''}'` : `attributes.status IN ${list}`;
  }
  if (lower === 'name') {
    if (c.op === '~') { const p = contains(v.text); return p && `attributes.run_name ILIKE ${p}`; }
    if (c.op === 'in') {
      const list = c.values.map((x) => literal(x.text));
      return list.every((x) => x !== undefined) ? `attributes.run_name IN (${list.join(', ')})` : undefined;
    }
    if (c.op === '=' || c.op === '!=') { const t = literal(v.text); return t && `attributes.run_name ${c.op} ${t}`; }
    return undefined;
  }
  if (lower === 'notes' && c.op === '~') {
    const p = contains(v.text);
    return p && `tags.\`mlflow.note.content\` ILIKE ${p}`;
  }
  if ((lower === 'tag' || lower === 'tags') && c.op === '=' && c.values.length === 1) {
    // Remote tags list as key=value (or the key alone for an empty value); MLflow keys hold no '='.
    const at = v.text.indexOf('=');
    const k = at < 0 ? v.text : v.text.slice(0, at);
    const value = literal(at < 0 ? '' : v.text.slice(at + 1));
    if (k.startsWith('mlflow.') || k === 'mlflow-server') return undefined;
    const lhs = key('tags', k);
    return lhs && value && `${lhs} = ${value}`;
  }
  const prefixed = c.field.kind === 'word' ? /^(params?|summary)\.(.+)$/i.exec(name) : null;
  if (!prefixed) return undefined;
  const entityName = prefixed[2] ?? '';
  if ((prefixed[1] ?? '').toLowerCase() === 'summary') {
    // A remote run's summary values are the latest metric values runs/search reports: MLflow's metrics.<key>.
    const n = numberOf(v);
    const lhs = key('metrics', entityName);
    if (c.op === 'in' || c.op === '~' || c.op === '!~' || n === undefined || !Number.isFinite(n) || !lhs) return undefined;
    return `${lhs} ${c.op} ${String(n)}`;
  }
  const lhs = key('params', entityName);
  if (!lhs || c.values.length !== 1) return undefined;
  if (c.op === '=' || c.op === '!=') { const t = paramText(v); return t && `${lhs} ${c.op} ${t}`; }
  // A param read as a number is matched as it prints (0.01 → "0.01"): text that no number prints can only be in text.
  if (c.op === '~' && !/^[-+0-9.einfinityna]*$/i.test(v.text)) { const p = contains(v.text); return p && `${lhs} ILIKE ${p}`; }
  if (ORDERING.has(c.op)) return undefined;
  return undefined;
}

/** An experiment condition as a predicate over experiment names, or undefined when it is another condition. */
function experimentTest(c: Condition): ((name: string) => boolean) | undefined {
  if (c.field.kind !== 'word' || c.field.text.toLowerCase() !== 'experiment') return undefined;
  const texts = c.values.map((v) => v.text);
  const needle = (texts[0] ?? '').toLowerCase();
  switch (c.op) {
    case '=': case 'in': return (n) => texts.includes(n);
    case '!=': return (n) => n !== texts[0];
    case '~': return (n) => n.toLowerCase().includes(needle);
    case '!~': return (n) => !n.toLowerCase().includes(needle);
    default: return undefined;
  }
}

/** Translates a filter of the Runs view; an invalid filter translates to nothing (the view reports it). */
export function toServerFilter(expression: string | undefined): ServerFilter {
  const src = expression?.trim() ?? '';
  if (src === '') return { filter: '', local: [] };
  try {
    compileFilter(src);
  } catch {
    return { filter: '', local: [src] };
  }
  const tokens = tokenize(src);
  const end = tokens[tokens.length - 1];
  const textOf = (c: readonly Token[]): string => {
    const first = c[0];
    const next = tokens[tokens.indexOf(c[c.length - 1] ?? (end as Token)) + 1] ?? end;
    return first && next ? src.slice(first.col - 1, next.col - 1).trim() : '';
  };
  const clauses: string[] = [];
  const local: string[] = [];
  const experiments: ((name: string) => boolean)[] = [];
  const visit = (part: Token[]): void => {
    const parts = conjuncts(part);
    if (!parts) { local.push(textOf(part)); return; }
    for (const c of parts) {
      if (wrapped(c)) { visit(c.slice(1, -1)); continue; }
      const cond = conditionOf(c);
      const exp = cond && experimentTest(cond);
      if (exp) { experiments.push(exp); continue; }
      const clause = cond && clauseOf(cond);
      if (clause) clauses.push(clause); else local.push(textOf(c));
    }
  };
  visit(tokens.slice(0, -1));
  const out: ServerFilter = { filter: clauses.join(' AND '), local };
  if (experiments.length > 0) out.experiment = (name) => experiments.every((f) => f(name));
  return out;
}
