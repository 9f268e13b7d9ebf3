// `trialbook gate`: evaluates a registered model version's gates (docs/model-lifecycle.md) for CI pipelines.
// Exit 0 when every gate passes, 1 when one fails, is missing a value or cannot be read, 2 on bad usage.
import type { GateResult } from '../core/lifecycle/gateEval';
import { GATES_FILE, positionText } from '../core/lifecycle/gatesFile';
import { LifecycleError, ModelLifecycle } from '../core/lifecycle/modelLifecycle';
import { escapeControls } from '../shared/untrustedText';
import { parseArgs, UsageError } from './cliArgs';
import { openForCli } from './openForCli';
import { formatTable } from './terminalOutput';
import { findTrialbookDir } from './workspaceLocation';

export const GATE_HELP = `Usage: trialbook gate --model NAME --version N [--dir <workspace>] [--json] [--quiet]

Evaluates the gates of a registered model version (.trialbook/gates.json and the version's run) and prints
each gate with the values it read. A gate that names a metric, param or summary value the run lacks fails
as "missing". Exit codes: 0 every gate passed, 1 a gate failed (or is missing a value, or cannot be read),
2 bad usage (no such model or version, no gates).
`;

const STATUS: Record<GateResult['status'], string> = { pass: 'PASS', fail: 'FAIL', missing: 'MISSING', error: 'ERROR' };

export function parseVersion(text: string | undefined): number {
  const m = /^v?(\d+)$/i.exec(text ?? '');
  const n = m ? Number(m[1]) : NaN;
  if (!Number.isInteger(n) || n < 1) throw new UsageError('--version needs a version number, e.g. --version 3 (or v3)');
  return n;
}

export async function runGateCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'model', 'version'], ['json', 'quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(GATE_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0] ?? ''}"`);
  const model = parsed.options.get('model');
  if (!model) throw new UsageError('gate needs --model NAME and --version N');
  const version = parseVersion(parsed.options.get('version'));
  const trialbookDir = findTrialbookDir(parsed.options.get('dir'));
  const index = await openForCli(parsed.options.get('dir'), parsed.flags.has('quiet'));
  try {
    await index.sync();
    const lifecycle = new ModelLifecycle(trialbookDir, { run: (id) => index.getRun(id) });
    const registry = await lifecycle.registry();
    for (const p of registry.problems) process.stderr.write(`warning: models.jsonl: ${escapeControls(p.message)}\n`);
    let results: GateResult[];
    try {
      results = await lifecycle.checkGates(model, version);
    } catch (err) {
      if (err instanceof LifecycleError) throw new UsageError(escapeControls(err.message));
      throw err;
    }
    const gates = await lifecycle.readGates();
    for (const p of gates.problems) process.stderr.write(`${GATES_FILE}:${positionText(gates.text, p.start)}: ${escapeControls(p.message)}\n`);
    if (results.length === 0) throw new UsageError(`no gates for "${escapeControls(model)}": define them in .trialbook/${GATES_FILE} ({ "${escapeControls(model)}": { "<gate name>": "<rule>" } })`);
    const failed = results.filter((r) => r.status !== 'pass');
    if (parsed.flags.has('json')) {
      process.stdout.write(`${JSON.stringify({ model, version, passed: failed.length === 0, gates: results.map((r) => ({ name: r.gate.name, rule: r.gate.rule, status: r.status, actual: r.actual.map((a) => ({ name: a.name, value: a.value ?? null, missing: a.value === undefined })), message: r.message })) }, null, 2)}\n`);
    } else {
      const v = registry.models.find((m) => m.name === model)?.versions.find((x) => x.version === version);
      process.stdout.write(`${escapeControls(model)} v${version}${v ? ` (run ${escapeControls(v.runId)}, stage ${escapeControls(v.stage)})` : ''}: ${results.length} gate${results.length === 1 ? '' : 's'}, ${failed.length === 0 ? 'all passed' : `${failed.length} failed`}\n`);
      process.stdout.write(formatTable(['', 'gate', 'result'], results.map((r) => [STATUS[r.status], r.gate.name, r.message])));
    }
    return failed.length === 0 ? 0 : 1;
  } finally {
    await index.close();
  }
}
