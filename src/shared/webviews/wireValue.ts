// How numbers and param values travel to every webview. JSON (the webview channel) has no NaN or ±Infinity,
// yet a NaN loss or an infinite learning rate must stay visible as what it was: non-finite numbers travel under
// one tag, everywhere (charts, tables, details). Param values are flattened once, here: nested lists and objects
// arrive as their JSON text.
import { formatValue } from '../format';
import { objectOf, oneOf, type Schema } from './schema';

export interface NonFinite {
  nonFinite: 'NaN' | 'Infinity' | '-Infinity';
}

/** A number as sent: finite numbers as they are, others tagged. */
export type WireNumber = number | NonFinite;

/** A param (or other cell) value as sent. */
export type WireValue = string | number | boolean | null | NonFinite;

const nonFiniteSchema = objectOf({ nonFinite: oneOf('NaN', 'Infinity', '-Infinity') });

export const wireNumber: Schema<WireNumber> = {
  problem: (value, at) => (typeof value === 'number' && Number.isFinite(value) ? undefined
    : nonFiniteSchema.problem(value, at) === undefined ? undefined
      : `${at || 'the value'}: expected a number or a non-finite tag`),
};

export const wireValue: Schema<WireValue> = {
  problem: (value, at) => (value === null || typeof value === 'string' || typeof value === 'boolean' ? undefined : wireNumber.problem(value, at)),
};

export function isNonFinite(value: unknown): value is NonFinite {
  return nonFiniteSchema.problem(value, '') === undefined;
}

export function toWireNumber(value: number): WireNumber {
  if (Number.isFinite(value)) return value;
  return { nonFinite: Number.isNaN(value) ? 'NaN' : value > 0 ? 'Infinity' : '-Infinity' };
}

export function fromWireNumber(value: WireNumber): number {
  if (typeof value === 'number') return value;
  return value.nonFinite === 'NaN' ? Number.NaN : value.nonFinite === 'Infinity' ? Infinity : -Infinity;
}

/** Two wire numbers are the same value (NaN equals NaN here: both say "the run logged NaN"). */
export function sameWireNumber(a: WireNumber, b: WireNumber): boolean {
  if (typeof a === 'number' || typeof b === 'number') return a === b;
  return a.nonFinite === b.nonFinite;
}

/** Any value a run logged as a param (or summary): scalars as they are, nested lists and objects as JSON text. */
export function toWireValue(value: unknown): WireValue {
  if (value === undefined || value === null) return null;
  if (typeof value === 'number') return toWireNumber(value);
  if (typeof value === 'string' || typeof value === 'boolean') return value;
  return JSON.stringify(value) ?? String(value);
}

export function fromWireValue(value: WireValue): string | number | boolean | null {
  return isNonFinite(value) ? fromWireNumber(value) : value;
}

/** A wire value as text, with the one formatter every surface uses (numbers to 4 significant digits, NaN, ∞). */
export function wireText(value: WireValue): string {
  return formatValue(fromWireValue(value));
}
