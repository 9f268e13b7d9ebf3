// `trialbook report`: the model report of a registered version as HTML and Markdown (docs/model-lifecycle.md).
import * as path from 'node:path';
import { LifecycleError, ModelLifecycle } from '../core/lifecycle/modelLifecycle';
import { buildReportInput, writeModelReport } from '../core/lifecycle/reportWriter';
import { escapeControls } from '../shared/untrustedText';
import { parseArgs, UsageError } from './cliArgs';
import { parseVersion } from './gateCommand';
import { openForCli } from './openForCli';
import { findTrialbookDir } from './workspaceLocation';

export const REPORT_HELP = `Usage: trialbook report --model NAME --version N [--out DIR] [--dir <workspace>] [--quiet]

Writes NAME-vN.html (self-contained: inline styles and charts, no script, no network) and NAME-vN.md into DIR
(default: reports/ in the workspace) and prints their paths: lineage, params, environment, metrics with charts,
gates with results, the history of transitions (who, when, why) and pushes.
`;

export async function runReportCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'model', 'version', 'out'], ['quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(REPORT_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0] ?? ''}"`);
  const model = parsed.options.get('model');
  if (!model) throw new UsageError('report needs --model NAME and --version N');
  const version = parseVersion(parsed.options.get('version'));
  const trialbookDir = findTrialbookDir(parsed.options.get('dir'));
  const outDir = path.resolve(parsed.options.get('out') ?? path.join(path.dirname(trialbookDir), 'reports'));
  const index = await openForCli(parsed.options.get('dir'), parsed.flags.has('quiet'));
  try {
    await index.sync();
    const lifecycle = new ModelLifecycle(trialbookDir, { run: (id) => index.getRun(id) });
    let written;
    try {
      written = await writeModelReport(await buildReportInput(lifecycle, index, model, version, new Date(), trialbookDir), outDir);
    } catch (err) {
      if (err instanceof LifecycleError) throw new UsageError(escapeControls(err.message));
      throw err;
    }
    process.stdout.write(`${escapeControls(written.html)}\n${escapeControls(written.markdown)}\n`);
    return 0;
  } finally {
    await index.close();
  }
}
