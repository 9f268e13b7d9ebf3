// One declaration, two uses: the TypeScript type of what crosses between the extension host and a webview
// (`Infer<typeof schema>`), and the check that a value received at run time has that shape. Small on purpose:
// only what the panels' contracts need. Problems name where and what was expected, never the value itself
// (it came from a webview and may be anything).
import { own } from '../own';

export interface Schema<T> {
  /** Why `value` does not fit, starting with where (`state.sort.column: expected a string, got a number`); undefined when it fits. */
  problem(value: unknown, at: string): string | undefined;
  /** Set only by `optional()`: an object may leave this property out. */
  readonly isOptional?: boolean;
  /** Never set: carries `T` for `Infer`. */
  readonly __type?: T;
}

export type Infer<S> = S extends Schema<infer T> ? T : never;

interface OptionalSchema<T> extends Schema<T | undefined> {
  readonly isOptional: true;
}

type Shape = Readonly<Record<string, Schema<unknown>>>;
type Simplify<T> = { [K in keyof T]: T[K] } & {};
type OptionalKeys<S extends Shape> = { [K in keyof S]: S[K] extends { readonly isOptional: true } ? K : never }[keyof S];
export type ObjectOf<S extends Shape> = Simplify<
  { [K in Exclude<keyof S, OptionalKeys<S>>]: Infer<S[K]> } & { [K in OptionalKeys<S>]?: Exclude<Infer<S[K]>, undefined> }
>;

/** Whether `value` fits `schema` (and is then typed as it). */
export function fits<T>(schema: Schema<T>, value: unknown): value is T {
  return schema.problem(value, '') === undefined;
}

/** A property of a value received from a page, only when it is its own (never `__proto__` and the like). */
function ownValue(value: object, key: string): unknown {
  return own(value as Record<string, unknown>, key);
}

/** `Float64Array`, `Uint8Array`… for a typed array (from any realm: a webview's message comes from another frame). */
function typedArrayName(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || !ArrayBuffer.isView(value)) return undefined;
  return /^\[object (\w+)\]$/.exec(Object.prototype.toString.call(value))?.[1];
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  const typed = typedArrayName(value);
  if (typed) return `a ${typed}`;
  switch (typeof value) {
    case 'undefined': return 'nothing';
    case 'string': return 'a string';
    case 'number': return Number.isFinite(value) ? 'a number' : String(value);
    case 'boolean': return 'a boolean';
    case 'object': return 'an object';
    default: return `a ${typeof value}`;
  }
}

function expected(at: string, what: string, value: unknown): string {
  return `${at || 'the value'}: expected ${what}, got ${kindOf(value)}`;
}

const join = (at: string, key: string | number): string => (typeof key === 'number' ? `${at}[${key}]` : at ? `${at}.${key}` : key);

export function str(limits: { maxLength?: number } = {}): Schema<string> {
  return {
    problem: (value, at) => {
      if (typeof value !== 'string') return expected(at, 'a string', value);
      if (limits.maxLength !== undefined && value.length > limits.maxLength) return `${at || 'the value'}: longer than ${limits.maxLength} characters`;
      return undefined;
    },
  };
}

/** A finite number (JSON cannot carry others; non-finite values travel as `wireNumber`). */
export function num(limits: { min?: number; max?: number; integer?: boolean } = {}): Schema<number> {
  const what = `${limits.integer ? 'an integer' : 'a number'}${limits.min !== undefined ? ` ≥ ${limits.min}` : ''}${limits.max !== undefined ? ` ≤ ${limits.max}` : ''}`;
  return {
    problem: (value, at) => {
      if (typeof value !== 'number' || !Number.isFinite(value)
        || (limits.integer && !Number.isInteger(value))
        || (limits.min !== undefined && value < limits.min)
        || (limits.max !== undefined && value > limits.max)) return expected(at, what, value);
      return undefined;
    },
  };
}

/**
 * Numbers as binary (a Float64Array: VS Code carries typed arrays through postMessage as bytes, not JSON text).
 * NaN and ±Infinity travel as themselves; `finite` rejects them (e.g. for x values, which must be placeable).
 */
export function float64Array(limits: { finite?: boolean } = {}): Schema<Float64Array> {
  return typedArrayOf(['Float64Array'], limits);
}

/**
 * Numbers as binary in single or double precision (a Float32Array or a Float64Array), for values the sender narrows
 * where single precision loses nothing that is shown (see src/shared/webviews/compare/wireLines.ts). NaN and ±Infinity
 * travel as themselves; `finite` rejects them.
 */
export function floatArray(limits: { finite?: boolean } = {}): Schema<Float32Array | Float64Array> {
  return typedArrayOf(['Float32Array', 'Float64Array'], limits);
}

/** The typed arrays a message may carry, by name (each one's values are numbers). */
interface TypedArrays { Float64Array: Float64Array; Float32Array: Float32Array; Uint16Array: Uint16Array; Uint8Array: Uint8Array }

/** A typed array of one of `kinds` (from any realm); `finite` rejects NaN and ±Infinity in the float ones. */
export function typedArrayOf<K extends keyof TypedArrays>(kinds: readonly K[], limits: { finite?: boolean } = {}): Schema<TypedArrays[K]> {
  const names: readonly string[] = kinds;
  const what = kinds.length === 1 ? `a ${kinds[0]}` : `a ${kinds.slice(0, -1).join(', a ')} or a ${kinds[kinds.length - 1]}`;
  return {
    problem: (value, at) => {
      const name = typedArrayName(value);
      if (name === undefined || !names.includes(name)) return expected(at, what, value);
      if (limits.finite) {
        const values = value as TypedArrays[K];
        for (let i = 0; i < values.length; i++) {
          if (!Number.isFinite(values[i])) return `${at || 'the value'}[${i}]: expected a finite number, got ${String(values[i])}`;
        }
      }
      return undefined;
    },
  };
}

/** `schema`, plus a rule across its parts (e.g. two arrays of the same length), checked once the parts fit. */
export function refine<T>(schema: Schema<T>, rule: (value: T) => string | undefined): Schema<T> {
  return {
    problem: (value, at) => {
      const problem = schema.problem(value, at);
      if (problem !== undefined) return problem;
      const broken = rule(value as T);
      return broken === undefined ? undefined : `${at || 'the value'}: ${broken}`;
    },
  };
}

export function bool(): Schema<boolean> {
  return { problem: (value, at) => (typeof value === 'boolean' ? undefined : expected(at, 'a boolean', value)) };
}

/** One of a few fixed strings. */
export function oneOf<const V extends string>(...values: V[]): Schema<V> {
  const allowed = new Set<string>(values);
  return {
    problem: (value, at) => (typeof value === 'string' && allowed.has(value) ? undefined : expected(at, `one of ${values.join(', ')}`, value)),
  };
}

export function arrayOf<T>(item: Schema<T>, limits: { minLength?: number } = {}): Schema<T[]> {
  return {
    problem: (value, at) => {
      if (!Array.isArray(value)) return expected(at, 'an array', value);
      if (limits.minLength !== undefined && value.length < limits.minLength) return `${at || 'the value'}: expected at least ${limits.minLength} item(s)`;
      for (let i = 0; i < value.length; i++) {
        const problem = item.problem(value[i], join(at, i));
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

/** A fixed-length array, e.g. a `[name, value]` pair. */
export function tupleOf<const S extends readonly Schema<unknown>[]>(...items: S): Schema<{ -readonly [K in keyof S]: Infer<S[K]> }> {
  return {
    problem: (value, at) => {
      if (!Array.isArray(value) || value.length !== items.length) return expected(at, `an array of ${items.length}`, value);
      for (let i = 0; i < items.length; i++) {
        const problem = items[i]?.problem(value[i], join(at, i));
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

const isPlainObject = (value: unknown): value is object => typeof value === 'object' && value !== null && !Array.isArray(value);

/** An object with these properties (own properties only; others are allowed and ignored). */
export function objectOf<const S extends Shape>(shape: S): Schema<ObjectOf<S>> {
  const keys = Object.keys(shape);
  return {
    problem: (value, at) => {
      if (!isPlainObject(value)) return expected(at, 'an object', value);
      for (const key of keys) {
        const schema = shape[key];
        if (!schema) continue;
        const property = ownValue(value, key);
        if (property === undefined && schema.isOptional) continue;
        const problem = schema.problem(property, join(at, key));
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

/** String keys to values of one schema (own keys only). */
export function recordOf<T>(item: Schema<T>): Schema<Record<string, T>> {
  return {
    problem: (value, at) => {
      if (!isPlainObject(value)) return expected(at, 'an object', value);
      for (const key of Object.keys(value)) {
        const problem = item.problem(ownValue(value, key), join(at, key));
        if (problem) return problem;
      }
      return undefined;
    },
  };
}

export function optional<T>(schema: Schema<T>): OptionalSchema<T> {
  return { isOptional: true, problem: (value, at) => (value === undefined ? undefined : schema.problem(value, at)) };
}

export function nullable<T>(schema: Schema<T>): Schema<T | null> {
  return { problem: (value, at) => (value === null ? undefined : schema.problem(value, at)) };
}

/** Anything; checked later by a schema of its own (e.g. a saved view state, which may come from an older version). */
export function unknownValue(): Schema<unknown> {
  return { problem: () => undefined };
}

export type MessageOf<M extends Readonly<Record<string, Schema<object>>>> = {
  [K in keyof M & string]: Simplify<{ type: K } & Infer<M[K]>>;
}[keyof M & string];

export type CheckResult<T> = { ok: true; message: T } | { ok: false; type: string | undefined; problem: string };

/** Messages told apart by their `type`: each type's properties checked by its own schema. */
export interface MessagesSchema<T extends { type: string }> extends Schema<T> {
  readonly types: readonly string[];
  check(value: unknown): CheckResult<T>;
}

export function messagesOf<const M extends Readonly<Record<string, Schema<object>>>>(shapes: M): MessagesSchema<MessageOf<M>> {
  // A Map, not the object: a message of type "constructor" or "__proto__" must find nothing.
  const byType = new Map<string, Schema<object>>(Object.entries(shapes));
  const check = (value: unknown): CheckResult<MessageOf<M>> => {
    if (!isPlainObject(value)) return { ok: false, type: undefined, problem: expected('the message', 'an object', value) };
    const type = ownValue(value, 'type');
    if (typeof type !== 'string') return { ok: false, type: undefined, problem: expected('type', 'a string', type) };
    const schema = byType.get(type);
    if (!schema) return { ok: false, type, problem: `type: expected one of ${[...byType.keys()].join(', ')}` };
    const problem = schema.problem(value, '');
    return problem === undefined ? { ok: true, message: value as MessageOf<M> } : { ok: false, type, problem };
  };
  return {
    types: [...byType.keys()],
    check,
    problem: (value, at) => {
      const result = check(value);
      return result.ok ? undefined : at ? `${at}: ${result.problem}` : result.problem;
    },
  };
}

/**
 * A panel's contract: what its webview may send (checked by the host), what the host sends (typed; the host is
 * trusted, and tests check the data builders against it), and the view state the webview saves (checked on both
 * sides when restored, since it may have been saved by an older version).
 */
export interface PanelContract<ToHost extends { type: string }, ToWebview extends { type: string }, State> {
  /** Names the panel in log lines: "Compare panel: …". */
  readonly panel: string;
  readonly toHost: MessagesSchema<ToHost>;
  readonly toWebview: MessagesSchema<ToWebview>;
  readonly state: Schema<State>;
}

export type ToHostOf<C> = C extends PanelContract<infer In, { type: string }, unknown> ? In : never;
export type ToWebviewOf<C> = C extends PanelContract<{ type: string }, infer Out, unknown> ? Out : never;
export type StateOf<C> = C extends PanelContract<{ type: string }, { type: string }, infer State> ? State : never;

/** Every webview says `ready` first, with the state it saved (if any): opaque here, checked against `state`. */
export type ReadyMessage = { type: 'ready'; state?: unknown };

export function defineContract<ToHost extends { type: string }, ToWebview extends { type: string }, State>(
  contract: PanelContract<ToHost, ToWebview, State> & (ReadyMessage extends Extract<ToHost, { type: 'ready' }> ? unknown : never),
): PanelContract<ToHost, ToWebview, State> {
  return contract;
}
