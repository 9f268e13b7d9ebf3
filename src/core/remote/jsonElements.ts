// The elements of one array in a JSON object's text, found one at a time without parsing the whole text: a
// runs/search page of 1,000 runs is megabytes of JSON, and JSON.parse of it in one piece held the extension host's
// thread for a quarter of a second on a loaded machine. Each element's text is found by a scan that jumps from one
// quote or bracket to the next (strings skipped with indexOf), so the caller can parse and handle it, then give the
// thread back. Validity is JSON.parse's: each element and each other field is parsed on its own; the scan checks
// only the commas, colons and brackets between them.

/** The text is not a JSON object (or the array's elements are not separated as JSON's are). */
export class JsonShapeError extends Error {}

const SPACE = /[ \t\n\r]*/y;
const STRUCTURE = /["{}[\]]/g;
const LITERAL = /[^\s,\]}]+/y;

function skipSpace(text: string, at: number): number {
  SPACE.lastIndex = at;
  SPACE.test(text);
  return SPACE.lastIndex;
}

/** The index after the string whose opening quote is at `at`. */
function stringEnd(text: string, at: number): number {
  let from = at + 1;
  for (;;) {
    const quote = text.indexOf('"', from);
    if (quote < 0) throw new JsonShapeError(`unterminated string at ${at}`);
    let slashes = 0;
    while (text.charCodeAt(quote - 1 - slashes) === 92) slashes++;
    if (slashes % 2 === 0) return quote + 1;
    from = quote + 1;
  }
}

/** The index after the JSON value starting at `at` (its inside is JSON.parse's to check). */
function valueEnd(text: string, at: number): number {
  const c = text[at];
  if (c === '"') return stringEnd(text, at);
  if (c === '{' || c === '[') {
    let depth = 0;
    STRUCTURE.lastIndex = at;
    for (;;) {
      const m = STRUCTURE.exec(text);
      if (!m) throw new JsonShapeError(`unterminated ${c} at ${at}`);
      const s = m[0];
      if (s === '"') STRUCTURE.lastIndex = stringEnd(text, m.index);
      else if (s === '{' || s === '[') depth++;
      else if (--depth === 0) return m.index + 1;
    }
  }
  LITERAL.lastIndex = at;
  if (!LITERAL.test(text)) throw new JsonShapeError(`a value was expected at ${at}`);
  return LITERAL.lastIndex;
}

function expect(text: string, at: number, c: string): number {
  if (text[at] !== c) throw new JsonShapeError(`'${c}' was expected at ${at}`);
  return at + 1;
}

/**
 * The elements of the array at `key` of the JSON object `text`, as texts, one per step of the iteration (each step
 * scans one element, or one other field); the object's other fields are in `fields` once the iteration is done.
 * Throws JsonShapeError (or JSON.parse's SyntaxError for a field) when the text is not such an object.
 */
export class ArrayElements implements Iterable<string> {
  readonly fields: Record<string, unknown> = {};

  constructor(private readonly text: string, private readonly key: string) {}

  *[Symbol.iterator](): Iterator<string> {
    const text = this.text;
    let at = skipSpace(text, 0);
    if (at === text.length) return; // an empty answer: an empty object
    at = skipSpace(text, expect(text, at, '{'));
    if (text[at] === '}') return this.end(at + 1);
    for (;;) {
      const keyEnd = stringEnd(text, expect(text, at, '"') - 1);
      const key = JSON.parse(text.slice(at, keyEnd)) as string;
      at = skipSpace(text, expect(text, skipSpace(text, keyEnd), ':'));
      if (key === this.key && text[at] === '[') {
        at = skipSpace(text, at + 1);
        if (text[at] === ']') at++;
        else {
          for (;;) {
            const end = valueEnd(text, at);
            yield text.slice(at, end);
            at = skipSpace(text, end);
            if (text[at] === ']') { at++; break; }
            at = skipSpace(text, expect(text, at, ','));
          }
        }
      } else {
        const end = valueEnd(text, at);
        this.fields[key] = JSON.parse(text.slice(at, end)) as unknown;
        at = end;
      }
      at = skipSpace(text, at);
      if (text[at] === '}') return this.end(at + 1);
      at = skipSpace(text, expect(text, at, ','));
    }
  }

  private end(at: number): void {
    if (skipSpace(this.text, at) !== this.text.length) throw new JsonShapeError(`text after the object at ${at}`);
  }
}
