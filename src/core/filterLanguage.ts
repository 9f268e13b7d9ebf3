// The runs filter language (docs/filter-language.md): a tokenizer and a recursive-descent parser that compiles an
// expression into a predicate over run rows. Errors name the 1-based column where the expression went wrong.
import type { MetricSummary, ParamValue, RunRow } from './model';

export class FilterError extends Error {
  constructor(readonly expression: string, readonly column: number, readonly problem: string) {
    super(`Invalid filter at column ${column}: ${problem}`);
  }

  /** The expression with a caret under the offending column, for terminals. */
  pointer(): string {
    return `  ${this.expression}\n  ${' '.repeat(Math.max(0, this.column - 1))}^`;
  }
}

type TokenKind = 'word' | 'string' | 'number' | 'op' | '(' | ')' | ',' | 'end';
interface Token { kind: TokenKind; text: string; value: string | number; col: number }

const OPS = ['==', '!=', '<=', '>=', '!~', '=', '<', '>', '~'];
const WORD = /[A-Za-z0-9_.\-/:@#$%+]/;
const NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?/;

function tokenize(src: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < src.length) {
    const ch = src[i]!;
    const col = i + 1;
    if (/\s/.test(ch)) { i++; continue; }
    if (ch === '(' || ch === ')' || ch === ',') { tokens.push({ kind: ch, text: ch, value: ch, col }); i++; continue; }
    const op = OPS.find((o) => src.startsWith(o, i));
    if (op) { tokens.push({ kind: 'op', text: op, value: op, col }); i += op.length; continue; }
    if (ch === '"' || ch === "'" || ch === '`') {
      let j = i + 1;
      let out = '';
      while (j < src.length && src[j] !== ch) {
        if (src[j] === '\\' && j + 1 < src.length) { out += src[j + 1]; j += 2; } else { out += src[j]; j++; }
      }
      if (j >= src.length) throw new FilterError(src, col, `unterminated quoted text (missing closing ${ch})`);
      tokens.push({ kind: 'string', text: src.slice(i, j + 1), value: out, col });
      i = j + 1;
      continue;
    }
    if (WORD.test(ch)) {
      let j = i;
      while (j < src.length && WORD.test(src[j]!)) j++;
      const text = src.slice(i, j);
      const num = NUMBER.exec(text);
      if (num && num[0].length === text.length) tokens.push({ kind: 'number', text, value: Number(text), col });
      else tokens.push({ kind: 'word', text, value: text, col });
      i = j;
      continue;
    }
    throw new FilterError(src, col, `unexpected character "${ch}" (quote names or values that contain it)`);
  }
  tokens.push({ kind: 'end', text: '', value: '', col: src.length + 1 });
  return tokens;
}

export type Predicate = (row: RunRow) => boolean;
type Literal = string | number | boolean | null;
type Getter = (row: RunRow) => ParamValue | undefined;

const STATUSES = ['running', 'finished', 'failed', 'killed', 'crashed'];
const TEXT_FIELDS: Record<string, (r: RunRow) => string | undefined> = {
  experiment: (r) => r.experiment, status: (r) => r.status, name: (r) => r.name, notes: (r) => r.notes, id: (r) => r.id,
  user: (r) => r.user, host: (r) => r.host, script: (r) => r.script, notebook: (r) => r.notebook, commit: (r) => r.gitCommit,
};
const FUNCTIONS: Record<string, (m: MetricSummary) => number> = {
  last: (m) => m.last, min: (m) => m.min, max: (m) => m.max, count: (m) => m.count,
};

function own<T>(o: Record<string, T>, k: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

function compare(actual: ParamValue | undefined, op: string, expected: Literal): boolean {
  if (actual === undefined) return false;
  if (op === '~' || op === '!~') {
    if (typeof actual !== 'string' && typeof actual !== 'number') return false;
    const hit = String(actual).toLowerCase().includes(String(expected).toLowerCase());
    return op === '~' ? hit : !hit;
  }
  if (typeof expected === 'number' && typeof actual === 'boolean') actual = actual ? 1 : 0;
  if (expected === null || typeof expected === 'boolean') {
    if (op === '=' || op === '==') return actual === expected;
    if (op === '!=') return actual !== expected;
    return false;
  }
  if (typeof actual !== typeof expected) return op === '!=' && (typeof actual === 'string' || typeof actual === 'number');
  const a = actual as string | number;
  const e = expected;
  if (typeof a === 'number' && Number.isNaN(a)) return op === '!=';
  switch (op) {
    case '=': case '==': return a === e;
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
  private readonly tokens: Token[];

  constructor(private readonly src: string) {
    this.tokens = tokenize(src);
  }

  private peek(): Token { return this.tokens[this.pos]!; }
  private next(): Token { return this.tokens[this.pos++]!; }
  private isWord(t: Token, w: string): boolean { return t.kind === 'word' && t.text.toLowerCase() === w; }
  private error(t: Token, problem: string): never { throw new FilterError(this.src, t.col, problem); }

  parse(): Predicate {
    const p = this.or();
    const t = this.peek();
    if (t.kind !== 'end') this.error(t, `expected "and", "or" or the end of the filter, found "${t.text}"`);
    return p;
  }

  private or(): Predicate {
    const parts = [this.and()];
    while (this.isWord(this.peek(), 'or')) { this.next(); parts.push(this.and()); }
    return parts.length === 1 ? parts[0]! : (r) => parts.some((p) => p(r));
  }

  private and(): Predicate {
    const parts = [this.not()];
    while (this.isWord(this.peek(), 'and')) { this.next(); parts.push(this.not()); }
    return parts.length === 1 ? parts[0]! : (r) => parts.every((p) => p(r));
  }

  private not(): Predicate {
    if (this.isWord(this.peek(), 'not')) {
      this.next();
      const inner = this.not();
      return (r) => !inner(r);
    }
    return this.primary();
  }

  private primary(): Predicate {
    const t = this.peek();
    if (t.kind === '(') {
      this.next();
      const inner = this.or();
      const close = this.next();
      if (close.kind !== ')') this.error(close, `expected ")" to close the "(" at column ${t.col}`);
      return inner;
    }
    if (t.kind === 'end') this.error(t, 'expected a condition (e.g. lr < 1e-3, status = crashed, tag = baseline)');
    if (t.kind === ')' || t.kind === ',' || t.kind === 'op') this.error(t, `expected a name or text, found "${t.text}"`);
    this.next();
    // A function of a metric's summary: max(val_acc) > 0.9
    if (t.kind === 'word' && this.peek().kind === '(' && own(FUNCTIONS, t.text.toLowerCase())) {
      const fn = FUNCTIONS[t.text.toLowerCase()]!;
      this.next();
      const name = this.next();
      if (name.kind !== 'word' && name.kind !== 'string') this.error(name, `expected a metric name inside ${t.text}( )`);
      const close = this.next();
      if (close.kind !== ')') this.error(close, `expected ")" after the metric name`);
      const key = String(name.value);
      return this.comparison((r) => { const m = own(r.metrics, key); return m ? fn(m) : undefined; }, t);
    }
    const op = this.peek();
    if (op.kind !== 'op' && !this.isWord(op, 'in')) {
      // A lone word or quoted text searches names and notes.
      if (t.kind === 'number' || t.kind === 'word' || t.kind === 'string') {
        const needle = String(t.value).toLowerCase();
        return (r) => r.name.toLowerCase().includes(needle) || r.notes.toLowerCase().includes(needle);
      }
    }
    const field = String(t.value);
    return this.fieldCondition(field, t);
  }

  private literal(): Literal {
    const t = this.next();
    if (t.kind === 'number') return t.value as number;
    if (t.kind === 'string') return t.value as string;
    if (t.kind === 'word') {
      const w = t.text.toLowerCase();
      // A keyword where a value belongs is almost always a forgotten value; quote it to mean the word.
      if (w === 'and' || w === 'or' || w === 'not' || w === 'in') this.error(t, `expected a value, found "${t.text}" (quote it if you mean the word)`);
      if (w === 'true') return true;
      if (w === 'false') return false;
      if (w === 'null') return null;
      if (w === 'nan') return Number.NaN;
      if (w === 'inf' || w === 'infinity' || w === '+inf') return Number.POSITIVE_INFINITY;
      if (w === '-inf' || w === '-infinity') return Number.NEGATIVE_INFINITY;
      return t.text;
    }
    return this.error(t, t.kind === 'end' ? 'expected a value at the end of the filter' : `expected a value, found "${t.text}"`);
  }

  /** Operator and value(s) after a name: `op value` or `in (v1, v2, …)`. */
  private rhs(): { op: string; values: Literal[]; at: Token } {
    const at = this.next();
    if (this.isWord(at, 'in')) {
      const open = this.next();
      if (open.kind !== '(') this.error(open, 'expected "(" after "in"');
      const values = [this.literal()];
      while (this.peek().kind === ',') { this.next(); values.push(this.literal()); }
      const close = this.next();
      if (close.kind !== ')') this.error(close, 'expected "," or ")" in the list after "in"');
      return { op: 'in', values, at };
    }
    if (at.kind !== 'op') this.error(at, `expected an operator (=, !=, <, <=, >, >=, ~, in), found "${at.text || 'the end'}"`);
    if (this.peek().kind === 'end') this.error(this.peek(), `expected a value after "${at.text}"`);
    return { op: at.text === '==' ? '=' : at.text, values: [this.literal()], at };
  }

  private comparison(get: Getter, _name: Token): Predicate {
    const { op, values } = this.rhs();
    if (op === 'in') return (r) => { const a = get(r); return values.some((v) => compare(a, '=', v)); };
    const v = values[0]!;
    return (r) => compare(get(r), op, v);
  }

  private fieldCondition(field: string, name: Token): Predicate {
    const lower = field.toLowerCase();
    if (name.kind === 'word' && (lower === 'tag' || lower === 'tags')) {
      const { op, values, at } = this.rhs();
      if (op === '=' || op === 'in') return (r) => values.some((v) => r.tags.includes(String(v)));
      if (op === '!=') return (r) => !r.tags.includes(String(values[0]));
      if (op === '~') return (r) => r.tags.some((tag) => compare(tag, '~', values[0]!));
      if (op === '!~') return (r) => !r.tags.some((tag) => compare(tag, '~', values[0]!));
      return this.error(at, `"${at.text}" does not apply to tags; use =, !=, ~ or in`);
    }
    if (name.kind === 'word' && lower === 'starred') {
      const { op, values, at } = this.rhs();
      const v = values[0];
      const wanted = v === true || v === 'true' || v === 1 ? true : v === false || v === 'false' || v === 0 ? false : undefined;
      if ((op !== '=' && op !== '!=') || wanted === undefined) this.error(at, 'starred takes = true or = false');
      return op === '=' ? (r) => (r.starred ?? false) === wanted : (r) => (r.starred ?? false) !== wanted;
    }
    if (name.kind === 'word' && lower === 'text') {
      const { op, values, at } = this.rhs();
      if (op !== '~' && op !== '!~') this.error(at, 'text takes "~" (contains) or "!~"');
      const needle = String(values[0]).toLowerCase();
      const hit = (r: RunRow): boolean => r.name.toLowerCase().includes(needle) || r.notes.toLowerCase().includes(needle);
      return op === '~' ? hit : (r) => !hit(r);
    }
    const textField = name.kind === 'word' ? own(TEXT_FIELDS, lower) : undefined;
    if (textField) {
      const start = this.pos;
      const { op, values, at } = this.rhs();
      if (lower === 'status') {
        for (let i = 0; i < values.length; i++) {
          const v = values[i];
          if (typeof v !== 'string' || !STATUSES.includes(v.toLowerCase())) {
            const tok = this.tokens.slice(start).find((tk) => tk.kind !== 'op' && tk.kind !== '(' && tk.kind !== ',' && !this.isWord(tk, 'in') && tk.value === v) ?? at;
            this.error(tok, `unknown status "${String(v)}"; use one of ${STATUSES.join(', ')}`);
          }
          values[i] = v.toLowerCase();
        }
      }
      if (op === 'in') return (r) => values.some((v) => compare(textField(r), '=', v));
      const v = values[0]!;
      return (r) => compare(textField(r), op, typeof v === 'number' ? String(name.kind === 'word' ? this.rawText(v) : v) : v);
    }
    let key = field;
    let kind: 'param' | 'metric' | 'any' = 'any';
    if (name.kind === 'word') {
      const m = /^(params?|metrics?)\.(.+)$/i.exec(field);
      if (m) { kind = m[1]!.toLowerCase().startsWith('param') ? 'param' : 'metric'; key = m[2]!; }
    }
    const get: Getter = (r) => {
      if (kind !== 'param') {
        const m = own(r.metrics, key);
        if (m) return m.last;
        if (kind === 'metric') return undefined;
      }
      return own(r.params, key);
    };
    return this.comparison(get, name);
  }

  /** Text fields compare as text even when the value looks like a number (`commit = 0123`). */
  private rawText(v: number): string {
    const tok = this.tokens[this.pos - 1];
    return tok && tok.kind === 'number' ? tok.text : String(v);
  }
}

/** Compiles a filter expression; throws FilterError (with the column) when it is not valid. */
export function compileFilter(expression: string): Predicate {
  return new Parser(expression).parse();
}
