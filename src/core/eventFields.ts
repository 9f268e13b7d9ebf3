// Reading the fields of one event: each helper checks a field's type and limits and throws `Invalid` with a reason
// that names the field (validateEvent turns it into the line's skip reason).

/** Thrown inside validation; caught by `validateEvent` and turned into a skip reason. */
export class Invalid extends Error {}

export function fail(reason: string): never {
  throw new Invalid(reason);
}

export type Json = unknown;

export function isObject(x: Json): x is Record<string, Json> {
  return typeof x === 'object' && x !== null && !Array.isArray(x);
}

/** Length in Unicode code points (what JSON Schema's maxLength counts), computed only when it can matter. */
export function exceeds(s: string, max: number): boolean {
  if (s.length <= max) return false;
  let n = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length) {
      const d = s.charCodeAt(i + 1);
      if (d >= 0xdc00 && d <= 0xdfff) i++;
    }
    if (++n > max) return true;
  }
  return false;
}

export function str(o: Record<string, Json>, field: string, max?: number, min = 0): string {
  const v = o[field];
  if (typeof v !== 'string') fail(`"${field}" must be a string`);
  if (v.length < min) fail(`"${field}" must not be empty`);
  if (max !== undefined && exceeds(v, max)) fail(`"${field}" longer than ${max} characters`);
  return v;
}

export function optStr(o: Record<string, Json>, field: string, max?: number): string | undefined {
  return o[field] === undefined ? undefined : str(o, field, max);
}

export function optBool(o: Record<string, Json>, field: string): boolean | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'boolean') fail(`"${field}" must be true or false`);
  return v;
}

export function optInt(o: Record<string, Json>, field: string, min?: number): number | undefined {
  const v = o[field];
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v)) fail(`"${field}" must be an integer`);
  if (min !== undefined && v < min) fail(`"${field}" must be at least ${min}`);
  return v;
}
