// Metric gates as committed in `.trialbook/gates.json` (docs/model-lifecycle.md, "Gates"):
//   { "<model name>": { "<gate name>": "<rule in the filter language>", … }, "*": { … every model … } }
// Read with offsets (a small JSON reader of our own), so a problem, a rule's syntax error included, points at its
// exact place in the file: the editor shows it as a diagnostic, the CLI as line:column.
import { compileFilterWithReferences, FilterError } from '../filterLanguage';

export const GATES_FILE = 'gates.json';
/** The key whose gates apply to every model. */
export const ALL_MODELS = '*';

export interface GateDefinition {
  model: string;
  name: string;
  rule: string;
  /** Where it was defined: the gates file, or the trialbook.gates setting. */
  origin: 'file' | 'settings';
  /** Offset of the rule's opening quote in the file (file gates only). */
  offset?: number;
}

export interface GateFileProblem {
  /** Offsets in the file text: where the problem starts and ends. */
  start: number;
  end: number;
  message: string;
}

export interface GatesRead {
  gates: GateDefinition[];
  problems: GateFileProblem[];
}

interface JsonString { kind: 'string'; value: string; start: number; end: number; offsets: number[] }
interface JsonObject { kind: 'object'; start: number; end: number; members: Array<{ key: JsonString; value: JsonNode }> }
interface JsonOther { kind: 'other'; start: number; end: number }
type JsonNode = JsonString | JsonObject | JsonOther;

class JsonSyntaxError extends Error {
  constructor(readonly offset: number, message: string) { super(message); }
}

/** A JSON reader that keeps where every object and string is (offsets of each character of a string's value). */
class JsonReader {
  private i = 0;
  constructor(private readonly src: string) {}

  read(): JsonNode {
    const node = this.value();
    this.space();
    if (this.i < this.src.length) throw new JsonSyntaxError(this.i, 'unexpected text after the end of the JSON object');
    return node;
  }

  private space(): void {
    while (this.i < this.src.length && /\s/.test(this.src.charAt(this.i))) this.i++;
  }

  private value(): JsonNode {
    this.space();
    const ch = this.src.charAt(this.i);
    if (ch === '{') return this.object();
    if (ch === '"') return this.string();
    const start = this.i;
    if (ch === '[') {
      this.i++;
      this.space();
      if (this.src.charAt(this.i) === ']') { this.i++; return { kind: 'other', start, end: this.i }; }
      for (;;) {
        this.value();
        this.space();
        const c = this.src.charAt(this.i++);
        if (c === ']') return { kind: 'other', start, end: this.i };
        if (c !== ',') throw new JsonSyntaxError(this.i - 1, 'expected "," or "]"');
      }
    }
    const m = /^(?:true|false|null|-?(?:0|[1-9]\d*)(?:\.\d+)?(?:[eE][-+]?\d+)?)/.exec(this.src.slice(this.i, this.i + 400));
    if (!m) throw new JsonSyntaxError(this.i, this.i >= this.src.length ? 'unexpected end of the file' : `unexpected character "${ch}"`);
    this.i += m[0].length;
    return { kind: 'other', start, end: this.i };
  }

  private object(): JsonObject {
    const start = this.i++;
    const members: JsonObject['members'] = [];
    this.space();
    if (this.src.charAt(this.i) === '}') { this.i++; return { kind: 'object', start, end: this.i, members }; }
    for (;;) {
      this.space();
      if (this.src.charAt(this.i) !== '"') throw new JsonSyntaxError(this.i, 'expected a name in double quotes');
      const key = this.string();
      this.space();
      if (this.src.charAt(this.i) !== ':') throw new JsonSyntaxError(this.i, 'expected ":" after the name');
      this.i++;
      members.push({ key, value: this.value() });
      this.space();
      const c = this.src.charAt(this.i++);
      if (c === '}') return { kind: 'object', start, end: this.i, members };
      if (c !== ',') throw new JsonSyntaxError(this.i - 1, 'expected "," or "}"');
    }
  }

  private string(): JsonString {
    const start = this.i++;
    let value = '';
    const offsets: number[] = [];
    for (;;) {
      if (this.i >= this.src.length) throw new JsonSyntaxError(start, 'text not closed (missing ")');
      const c = this.src.charAt(this.i);
      if (c === '"') { this.i++; return { kind: 'string', value, start, end: this.i, offsets }; }
      if (c === '\n') throw new JsonSyntaxError(this.i, 'a line break inside text (write it as \\n)');
      const at = this.i;
      if (c === '\\') {
        const e = this.src.charAt(this.i + 1);
        const simple = new Map([['"', '"'], ['\\', '\\'], ['/', '/'], ['b', '\b'], ['f', '\f'], ['n', '\n'], ['r', '\r'], ['t', '\t']]).get(e);
        if (simple !== undefined) { value += simple; this.i += 2; } else if (e === 'u' && /^[0-9a-fA-F]{4}$/.test(this.src.slice(this.i + 2, this.i + 6))) {
          value += String.fromCharCode(parseInt(this.src.slice(this.i + 2, this.i + 6), 16));
          this.i += 6;
        } else throw new JsonSyntaxError(this.i, 'unknown escape');
      } else { value += c; this.i++; }
      offsets.push(at);
    }
  }
}

function lineColumn(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset);
  const line = before.split('\n').length;
  return { line, column: offset - before.lastIndexOf('\n') };
}

/** `line:column` of an offset (1-based), for terminal messages. */
export function positionText(text: string, offset: number): string {
  const { line, column } = lineColumn(text, offset);
  return `${line}:${column}`;
}

/** A rule's syntax error: its message, and its offset in the file when the rule came from there. */
export function ruleProblem(rule: string): FilterError | undefined {
  try {
    compileFilterWithReferences(rule);
    return undefined;
  } catch (err) {
    if (err instanceof FilterError) return err;
    throw err;
  }
}

/** Reads the gates file's text; problems do not stop the gates that are fine. */
export function readGatesText(text: string): GatesRead {
  const gates: GateDefinition[] = [];
  const problems: GateFileProblem[] = [];
  if (text.trim() === '') return { gates, problems };
  let root: JsonNode;
  try {
    root = new JsonReader(text).read();
  } catch (err) {
    if (err instanceof JsonSyntaxError) return { gates, problems: [{ start: err.offset, end: err.offset + 1, message: `${err.message} (the gates file is JSON)` }] };
    throw err;
  }
  if (root.kind !== 'object') return { gates, problems: [{ start: root.start, end: root.end, message: 'the gates file holds one object: { "<model name>": { "<gate name>": "<rule>" } }' }] };
  for (const { key: model, value } of root.members) {
    if (value.kind !== 'object') { problems.push({ start: value.start, end: value.end, message: `the gates of "${model.value}" are an object: { "<gate name>": "<rule>" }` }); continue; }
    for (const { key: name, value: rule } of value.members) {
      if (rule.kind !== 'string') { problems.push({ start: rule.start, end: rule.end, message: `gate "${name.value}" needs its rule as text, e.g. "val/acc >= 0.92"` }); continue; }
      if (rule.value.trim() === '') { problems.push({ start: rule.start, end: rule.end, message: `gate "${name.value}" has an empty rule` }); continue; }
      const problem = ruleProblem(rule.value);
      if (problem) {
        const at = rule.offsets[problem.column - 1] ?? rule.end - 1;
        problems.push({ start: at, end: at + 1, message: `gate "${name.value}": ${problem.message.replace(/^Invalid filter/, 'invalid rule')}` });
      }
      gates.push({ model: model.value, name: name.value, rule: rule.value, origin: 'file', offset: rule.start });
    }
  }
  return { gates, problems };
}

/** Gates from the trialbook.gates setting (same shape as the file); anything malformed is named in `problems`. */
export function readGatesSetting(value: unknown): { gates: GateDefinition[]; problems: string[] } {
  const gates: GateDefinition[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { gates, problems };
  if (typeof value !== 'object' || Array.isArray(value)) return { gates, problems: ['trialbook.gates is an object: { "<model name>": { "<gate name>": "<rule>" } }'] };
  for (const [model, byName] of Object.entries(value)) {
    if (typeof byName !== 'object' || byName === null || Array.isArray(byName)) { problems.push(`trialbook.gates: the gates of "${model}" are an object`); continue; }
    for (const [name, rule] of Object.entries(byName as Record<string, unknown>)) {
      if (typeof rule !== 'string' || rule.trim() === '') { problems.push(`trialbook.gates: gate "${name}" of "${model}" needs a rule as text`); continue; }
      gates.push({ model, name, rule, origin: 'settings' });
    }
  }
  return { gates, problems };
}

/** The gates of one model: its own and those for every model ("*"); a file gate wins over a setting of the same name. */
export function gatesFor(model: string, all: readonly GateDefinition[]): GateDefinition[] {
  const out = new Map<string, GateDefinition>();
  for (const g of all) {
    if (g.model !== model && g.model !== ALL_MODELS) continue;
    const had = out.get(g.name);
    if (!had || (had.origin === 'settings' && g.origin === 'file')) out.set(g.name, g);
  }
  return [...out.values()];
}
