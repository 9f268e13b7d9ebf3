// Evaluating a metric gate on the run a model version came from. A gate passes only when its rule holds and every
// value it names exists: a metric, param or summary value the run lacks makes the gate "missing" (a failure), never
// a pass — even where the rule alone would hold (`not x > 1`, `a > 1 or b > 1`).
import { compileFilterWithReferences, FilterError } from '../filterLanguage';
import type { ParamValue, RunRow } from '../model';
import { formatValue } from '../../shared/format';
import type { GateDefinition } from './gatesFile';

export type GateStatus = 'pass' | 'fail' | 'missing' | 'error';

export interface GateResult {
  gate: GateDefinition;
  status: GateStatus;
  /** Each value the rule reads, as it is on the run (undefined: the run lacks it). */
  actual: Array<{ name: string; value: ParamValue | undefined }>;
  /** One line for people: why it passed or failed, with the actual values. */
  message: string;
}

function shown(actual: GateResult['actual']): string {
  return actual.map((a) => `${a.name} = ${a.value === undefined ? 'missing' : formatValue(a.value)}`).join(', ');
}

export function evaluateGate(gate: GateDefinition, run: RunRow | undefined): GateResult {
  if (!run) return { gate, status: 'missing', actual: [], message: 'the run this version came from is not in the index (deleted?)' };
  let compiled;
  try {
    compiled = compileFilterWithReferences(gate.rule);
  } catch (err) {
    if (err instanceof FilterError) return { gate, status: 'error', actual: [], message: `${err.message.replace(/^Invalid filter/, 'invalid rule')}` };
    throw err;
  }
  const seen = new Set<string>();
  const actual: GateResult['actual'] = [];
  for (const ref of compiled.references) {
    if (seen.has(ref.text)) continue;
    seen.add(ref.text);
    actual.push({ name: ref.text, value: ref.get(run) });
  }
  const missing = actual.filter((a) => a.value === undefined).map((a) => a.name);
  if (missing.length > 0) return { gate, status: 'missing', actual, message: `missing: the run has no ${missing.join(', ')}${actual.length > missing.length ? ` (${shown(actual)})` : ''}` };
  const ok = compiled.predicate(run);
  return { gate, status: ok ? 'pass' : 'fail', actual, message: `${ok ? 'passed' : 'failed'}: ${gate.rule} with ${shown(actual) || 'no values'}` };
}

export function evaluateGates(gates: readonly GateDefinition[], run: RunRow | undefined): GateResult[] {
  return gates.map((g) => evaluateGate(g, run));
}

export function failing(results: readonly GateResult[]): GateResult[] {
  return results.filter((r) => r.status !== 'pass');
}
