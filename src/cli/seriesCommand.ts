// `trialbook series`: metric series of runs, downsampled, as CSV or JSON.
import type { XAxis } from '../core/model';
import { parseArgs, splitList, UsageError } from './cliArgs';
import { openForCli } from './openForCli';
import { printError } from './terminalOutput';

export const SERIES_HELP = `Usage: trialbook series --run ID[,ID…] --metric KEY[,KEY…] [--dir <workspace>]
                        [--x step|relative|wall] [--points N] [--json] [--quiet]

  Prints CSV (run,metric,x,y) by default; --points (default 1000) caps points per line, keeping peaks and troughs.
  --metric is a CSV list: quote a name that holds a comma or a quote ("a,b", "say ""hi""").
`;

/** One CSV field as RFC 4180 writes it: quoted when it holds a comma, quote, CR or LF (quotes doubled); else as is. */
export function csvField(text: string): string {
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export async function runSeriesCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'run', 'metric', 'x', 'points'], ['json', 'quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(SERIES_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0] ?? ''}"`);
  const runIds = splitList(parsed.options.get('run'), 'run');
  const keys = splitList(parsed.options.get('metric'), 'metric');
  if (runIds.length === 0 || keys.length === 0) throw new UsageError('series needs --run and --metric');
  const x = parsed.options.get('x') ?? 'step';
  if (x !== 'step' && x !== 'relative' && x !== 'wall') throw new UsageError('--x must be step, relative or wall');
  const points = Number(parsed.options.get('points') ?? 1000);
  if (!Number.isInteger(points) || points < 1) throw new UsageError('--points needs a whole number ≥ 1');
  const index = await openForCli(parsed.options.get('dir'), parsed.flags.has('quiet'));
  try {
    await index.sync();
    const missing = runIds.filter((id) => !index.getRun(id));
    if (missing.length > 0) { printError(`no run ${missing.join(', ')}`); return 1; }
    const lines = index.series({ runIds, keys, xAxis: x as XAxis, maxPoints: points });
    if (parsed.flags.has('json')) {
      process.stdout.write(`${JSON.stringify(lines, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v) ? String(v) : v))}\n`);
      return 0;
    }
    const out: string[] = ['run,metric,x,y'];
    for (const l of lines) {
      const prefix = `${csvField(l.runId)},${csvField(l.key)}`;
      for (let i = 0; i < l.x.length; i++) out.push(`${prefix},${l.x[i] ?? ''},${l.y[i] ?? ''}`);
    }
    process.stdout.write(`${out.join('\n')}\n`);
    return 0;
  } finally {
    await index.close();
  }
}
