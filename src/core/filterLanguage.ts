// The runs filter language (docs/filter-language.md): a tokenizer and a recursive-descent parser that compiles an
// expression into a predicate over run rows. Errors name the 1-based column where the expression went wrong.
import { summaryValue } from '../shared/metricDirection';
import { escapeControls } from '../shared/untrustedText';
import type { MetricSummary, ParamValue, RunRow } from './model';

/**
 * How deeply parentheses and `not` may nest (together). Parsing and evaluation both recurse per level, so a bound
 * keeps a pasted or generated filter from overflowing the stack; no filter a person writes comes near it.
 */
export const MAX_FILTER_DEPTH = 100;

/** Characters of the expression shown on each side of the column in `pointer()`. */
const POINTER_CONTEXT = 40;

export class FilterError extends Error {
  constructor(readonly expression: string, readonly column: number, readonly problem: string) {
    super(`Invalid filter at column ${column}: ${problem}`);
  }

  /** The expression (around the column when it is long, control characters escaped) with a caret under the column. */
  pointer(): string {
    const at = Math.max(0, this.column - 1);
    const from = Math.max(0, at - POINTER_CONTEXT);
    const to = Math.min(this.expression.length, at + POINTER_CONTEXT);
    const before = `${from > 0 ? '…' : ''}${escapeControls(this.expression.slice(from, at))}`;
    const after = `${escapeControls(this.expression.slice(at, to))}${to < this.expression.length ? '…' : ''}`;
    return `  ${before}${after}\n  ${' '.repeat(before.length)}^`;
  }
}

export type TokenKind = 'word' | 'string' | 'number' | 'op' | '(' | ')' | ',' | 'end';
/** `text` is the token as typed; for quoted text, its content without quotes and escapes. */
export interface Token { kind: TokenKind; text: string; col: number }

const OPS = ['==', '!=', '<=', '>=', '!~', '=', '<', '>', '~'];
const WORD = /[A-Za-z0-9_.\-/:@#$%+]/;
export const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
const NUMBER_WORDS = new Map<string, number>([
  ['nan', Number.NaN], ['inf', Infinity], ['+inf', Infinity], ['infinity', Infinity], ['+infinity', Infinity],
  ['-inf', -Infinity], ['-infinity', -Infinity],
]);

/** The filter's tokens, ending with an 'end' token (exported for translating filters to other query languages). */
export function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src.charAt(i);
    const col = i + 1;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '(' || ch === ')' || ch === ',') { tokens.push({ kind: ch, text: ch, col }); i++; continue; }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { tokens.push({ kind: 'op', text: op, col }); i += op.length; continue; }
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      let out = '';
      while (j < src.length && src.charAt(j) !== ch) {
        if (src.charAt(j) === '\\' && j + 1 < src.length) { out += src.charAt(j + 1); j += 2; } else { out += src.charAt(j); j++; }
      }
      if (j >= src.length) throw new FilterError(src, col, `unterminated quoted text (missing closing ${ch})`);
      tokens.push({ kind: 'string', text: out, col });
      i = j + 1;
      continue;
    }
    if (WORD.test(ch)) {
      let j = i;
      while (j < src.length && WORD.test(src.charAt(j))) j++;
      const text = src.slice(i, j);
      tokens.push({ kind: NUMBER.test(text) ? 'number' : 'word', text, col });
      i = j;
      continue;
    }
    throw new FilterError(src, col, `unexpected character "${escapeControls(ch)}" (quote names or values that contain it)`);
  }
  tokens.push({ kind: 'end', text: '', col: src.length + 1 });
  return tokens;
}

/**
 * A value as written in a filter. It means what it is compared with: its text as typed against text, the number
 * it reads as against a number, true/false/null against booleans and nulls (see docs/filter-language.md).
 */
interface Literal {
  text: string;
  /** Number syntax (`007`, `1e3`, `-3`) or inf/nan, bare or quoted. */
  num: number | undefined;
  /** The words true, false and null in any case, bare or quoted. */
  keyword: boolean | null | undefined;
  col: number;
}

function literalOf(t: Token): Literal {
  const lower = t.text.toLowerCase();
  const num = NUMBER.test(t.text) ? Number(t.text) : NUMBER_WORDS.get(lower);
  const keyword = lower === 'true' ? true : lower === 'false' ? false : lower === 'null' ? null : undefined;
  return { text: t.text, num, keyword, col: t.col };
}

/** The same literal seen only as text: for fields that are always text (name, tags, commit…). */
function asText(v: Literal): Literal {
  return { text: v.text, num: undefined, keyword: undefined, col: v.col };
}

export type Predicate = (row: RunRow) => boolean;
type Getter = (row: RunRow) => ParamValue | undefined;

/**
 * A metric, param or summary value a filter reads (as typed, e.g. `max(train/loss)` or `val/acc`), with how to read
 * it from a run: metric gates (src/core/lifecycle) report these values and call a gate "missing" when one is absent.
 */
export interface FilterReference {
  text: string;
  col: number;
  get: Getter;
}
/** The value after an operator, or the list after `in`: never empty. */
type Values = [Literal, ...Literal[]];

function mapValues(values: Values, f: (v: Literal) => Literal): Values {
  const [first, ...rest] = values;
  return [f(first), ...rest.map(f)];
}

function predicateOf(get: Getter, op: string, values: Values): Predicate {
  if (op === 'in') return (r) => { const a = get(r); return values.some((v) => compare(a, '=', v)); };
  const [v] = values;
  return (r) => compare(get(r), op, v);
}

const STATUSES = ['running', 'finished', 'failed', 'killed', 'crashed'];
const TEXT_FIELDS = new Map<string, (r: RunRow) => string | undefined>([
  ['experiment', (r) => r.experiment], ['status', (r) => r.status], ['name', (r) => r.name], ['notes', (r) => r.notes],
  ['id', (r) => r.id], ['user', (r) => r.user], ['host', (r) => r.host], ['script', (r) => r.script],
  ['notebook', (r) => r.notebook], ['commit', (r) => r.gitCommit],
]);
const FUNCTIONS = new Map<string, (m: MetricSummary) => number>([
  ['last', (m) => m.last], ['min', (m) => m.min], ['max', (m) => m.max], ['count', (m) => m.count],
]);

/** Own properties only: a run's metrics and params are plain objects, and `toString` must not answer for them. */
function own<T>(o: Record<string, T>, k: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

/** Whether a run's value compares true with a literal. */
function compare(actual: ParamValue | undefined, op: string, lit: Literal): boolean {
  if (actual === undefined) return false;
  if (op === '~' || op === '!~') {
    if (typeof actual !== 'string' && typeof actual !== 'number') return false;
    const hit = String(actual).toLowerCase().includes(lit.text.toLowerCase());
    return op === '~' ? hit : !hit;
  }
  const ordering = op !== '=' && op !== '!=';
  if (actual === null) return ordering ? false : (lit.keyword === null) === (op === '=');
  let a: string | number;
  let e: string | number | undefined;
  if (typeof actual === 'string') {
    a = actual;
    // Text orders alphabetically, but a number never orders against text (`lr < 0.01` says nothing of "1e-3").
    e = ordering && lit.num !== undefined ? undefined : lit.text;
  } else if (typeof actual === 'number') {
    a = actual;
    e = lit.num;
  } else if (typeof actual === 'boolean') {
    a = actual ? 1 : 0;
    e = typeof lit.keyword === 'boolean' ? (lit.keyword ? 1 : 0) : lit.num;
  } else {
    return false;
  }
  if (e === undefined || (typeof a === 'number' && Number.isNaN(a))) return op === '!=';
  switch (op) {
    case '=': return a === e;
    case '!=': return a !== e;
    case '<': return a < e;
    case '<=': return a <= e;
    case '>': return a > e;
    case '>=': return a >= e;
    default: return false;
  }
}

class Parser {
  private pos = 0;
  private depth = 0;
  private readonly tokens: Token[];
  /** Every metric, param or summary value the filter reads, in reading order. */
  readonly references: FilterReference[] = [];

  constructor(private readonly src: string) {
    this.tokens = tokenize(src);
  }

  private peek(): Token { return this.tokens[this.pos] ?? this.endToken(); }
  private next(): Token { const t = this.peek(); if (this.pos < this.tokens.length - 1) this.pos++; return t; }
  private endToken(): Token { return { kind: 'end', text: '', col: this.src.length + 1 }; }
  private isWord(t: Token, w: string): boolean { return t.kind === 'word' && t.text.toLowerCase() === w; }
  private error(t: { col: number }, problem: string): never { throw new FilterError(this.src, t.col, problem); }

  private enter(t: Token): void {
    if (++this.depth > MAX_FILTER_DEPTH) {
      this.error(t, `the filter nests deeper than ${MAX_FILTER_DEPTH} levels of parentheses and "not"; simplify it (e.g. "not not x" is x)`);
    }
  }

  parse(): Predicate {
    const p = this.or();
    const t = this.peek();
    if (t.kind !== 'end') this.error(t, `expected "and", "or" or the end of the filter, found "${t.text}"`);
    return p;
  }

  private or(): Predicate {
    const parts = [this.and()];
    while (this.isWord(this.peek(), 'or')) { this.next(); parts.push(this.and()); }
    const only = parts.length === 1 ? parts[0] : undefined;
    return only !== undefined ? only : (r) => parts.some((p) => p(r));
  }

  private and(): Predicate {
    const parts = [this.not()];
    while (this.isWord(this.peek(), 'and')) { this.next(); parts.push(this.not()); }
    const only = parts.length === 1 ? parts[0] : undefined;
    return only !== undefined ? only : (r) => parts.every((p) => p(r));
  }

  /** `not not … x`: read in a loop (each counts as a level), evaluated as one negation or none. */
  private not(): Predicate {
    const entered = this.depth;
    let negate = false;
    while (this.isWord(this.peek(), 'not')) { this.enter(this.next()); negate = !negate; }
    const inner = this.primary();
    this.depth = entered;
    return negate ? (r) => !inner(r) : inner;
  }

  private primary(): Predicate {
    const t = this.peek();
    if (t.kind === '(') {
      this.enter(this.next());
      const inner = this.or();
      const close = this.next();
      if (close.kind !== ')') this.error(close, `expected ")" to close the "(" at column ${t.col}`);
      this.depth--;
      return inner;
    }
    if (t.kind === 'end') this.error(t, 'expected a condition (e.g. lr < 1e-3, status = crashed, tag = baseline)');
    if (t.kind === ')' || t.kind === ',' || t.kind === 'op') this.error(t, `expected a name or text, found "${t.text}"`);
    this.next();
    // A function of a metric's summary: max(val_acc) > 0.9
    const fn = t.kind === 'word' && this.peek().kind === '(' ? FUNCTIONS.get(t.text.toLowerCase()) : undefined;
    if (fn) {
      this.next();
      const name = this.next();
      if (name.kind !== 'word' && name.kind !== 'string' && name.kind !== 'number') this.error(name, `expected a metric name inside ${t.text}( )`);
      const close = this.next();
      if (close.kind !== ')') this.error(close, 'expected ")" after the metric name');
      const key = name.text;
      const get: Getter = (r) => { const m = own(r.metrics, key); return m ? fn(m) : undefined; };
      this.references.push({ text: `${t.text}(${key})`, col: t.col, get });
      return this.comparison(get);
    }
    if (t.kind === 'word' && this.peek().kind === '(') this.error(t, `"${t.text}" is not a function; use last, min, max or count`);
    const op = this.peek();
    if (op.kind !== 'op' && !this.isWord(op, 'in')) {
      // A lone word, number or quoted text searches names and notes, for the text as typed.
      const needle = t.text.toLowerCase();
      return (r) => r.name.toLowerCase().includes(needle) || r.notes.toLowerCase().includes(needle);
    }
    return this.fieldCondition(t);
  }

  private literal(): Literal {
    const t = this.next();
    if (t.kind === 'number' || t.kind === 'string') return literalOf(t);
    if (t.kind === 'word') {
      const w = t.text.toLowerCase();
      // A keyword where a value belongs is almost always a forgotten value; quote it to mean the word.
      if (w === 'and' || w === 'or' || w === 'not' || w === 'in') this.error(t, `expected a value, found "${t.text}" (quote it if you mean the word)`);
      return literalOf(t);
    }
    return this.error(t, t.kind === 'end' ? 'expected a value at the end of the filter' : `expected a value, found "${t.text}"`);
  }

  /** Operator and value(s) after a name: `op value` or `in (v1, v2, …)`. */
  private rhs(): { op: string; values: Values; at: Token } {
    const at = this.next();
    if (this.isWord(at, 'in')) {
      const open = this.next();
      if (open.kind !== '(') this.error(open, 'expected "(" after "in"');
      const values: Values = [this.literal()];
      while (this.peek().kind === ',') { this.next(); values.push(this.literal()); }
      const close = this.next();
      if (close.kind !== ')') this.error(close, 'expected "," or ")" in the list after "in"');
      return { op: 'in', values, at };
    }
    if (at.kind !== 'op') this.error(at, `expected an operator (=, !=, <, <=, >, >=, ~, in), found "${at.text || 'the end'}"`);
    if (this.peek().kind === 'end') this.error(this.peek(), `expected a value after "${at.text}"`);
    return { op: at.text === '==' ? '=' : at.text, values: [this.literal()], at };
  }

  /** `op value` or `in (…)` after a name; `text` for fields that are always text. */
  private comparison(get: Getter, text = false): Predicate {
    const { op, values } = this.rhs();
    return predicateOf(get, op, text ? mapValues(values, asText) : values);
  }

  private fieldCondition(name: Token): Predicate {
    const field = name.text;
    const lower = field.toLowerCase();
    const bare = name.kind === 'word';
    if (bare && (lower === 'tag' || lower === 'tags')) {
      const { op, values, at } = this.rhs();
      const [v] = values;
      if (op === '=' || op === 'in') return (r) => values.some((x) => r.tags.includes(x.text));
      if (op === '!=') return (r) => !r.tags.includes(v.text);
      if (op === '~' || op === '!~') {
        const needle = asText(v);
        return op === '~' ? (r) => r.tags.some((tag) => compare(tag, '~', needle)) : (r) => !r.tags.some((tag) => compare(tag, '~', needle));
      }
      return this.error(at, `"${at.text}" does not apply to tags; use =, !=, ~ or in`);
    }
    if (bare && lower === 'starred') {
      const { op, values, at } = this.rhs();
      const [v] = values;
      const wanted = typeof v.keyword === 'boolean' ? v.keyword : v.num === 1 ? true : v.num === 0 ? false : undefined;
      if ((op !== '=' && op !== '!=') || wanted === undefined) this.error(at, 'starred takes = true or = false');
      return op === '=' ? (r) => (r.starred ?? false) === wanted : (r) => (r.starred ?? false) !== wanted;
    }
    if (bare && lower === 'text') {
      const { op, values, at } = this.rhs();
      if (op !== '~' && op !== '!~') this.error(at, 'text takes "~" (contains) or "!~"');
      const needle = values[0].text.toLowerCase();
      const hit = (r: RunRow): boolean => r.name.toLowerCase().includes(needle) || r.notes.toLowerCase().includes(needle);
      return op === '~' ? hit : (r) => !hit(r);
    }
    if (bare && lower === 'status') {
      const { op, values } = this.rhs();
      const wanted = mapValues(values, (v) => {
        const status = v.text.toLowerCase();
        if (!STATUSES.includes(status)) this.error(v, `unknown status "${v.text}"; use one of ${STATUSES.join(', ')}`);
        return asText({ ...v, text: status });
      });
      return predicateOf((r) => r.status, op, wanted);
    }
    const textField = bare ? TEXT_FIELDS.get(lower) : undefined;
    if (textField) return this.comparison(textField, true);
    let key = field;
    let kind: 'param' | 'metric' | 'summary' | 'any' = 'any';
    const prefixed = bare ? /^(params?|metrics?|summary)\.(.+)$/i.exec(field) : null;
    if (prefixed) {
      const prefix = (prefixed[1] ?? '').toLowerCase();
      kind = prefix.startsWith('param') ? 'param' : prefix === 'summary' ? 'summary' : 'metric';
      key = prefixed[2] ?? '';
    }
    if (kind === 'summary') {
      const get: Getter = (r) => (r.summary ? own(r.summary, key) : undefined);
      this.references.push({ text: field, col: name.col, get });
      return this.comparison(get);
    }
    // A bare name: the metric's summary value (its last unless declared), else the param, else the summary value.
    const get: Getter = (r) => {
      if (kind !== 'param') {
        const m = own(r.metrics, key);
        if (m) return summaryValue(m, m.summaryMode);
        if (kind === 'metric') return undefined;
      }
      if (kind === 'param') return own(r.params, key);
      return Object.prototype.hasOwnProperty.call(r.params, key) ? own(r.params, key) : r.summary ? own(r.summary, key) : undefined;
    };
    this.references.push({ text: field, col: name.col, get });
    return this.comparison(get);
  }
}

/** Compiles a filter expression; throws FilterError (with the column) when it is not valid. */
export function compileFilter(expression: string): Predicate {
  return new Parser(expression).parse();
}

/** Compiles a filter and lists the metric, param and summary values it reads; throws FilterError like compileFilter. */
export function compileFilterWithReferences(expression: string): { predicate: Predicate; references: FilterReference[] } {
  const parser = new Parser(expression);
  const predicate = parser.parse();
  return { predicate, references: parser.references };
}
