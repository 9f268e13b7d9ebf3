// `trialbook rebuild`: drop the index and ingest every run log again.
import { formatCount, formatDuration } from '../shared/format';
import { parseArgs, UsageError } from './cliArgs';
import { openForCli } from './openForCli';
import { printError } from './terminalOutput';

export const REBUILD_HELP = `Usage: trialbook rebuild [--dir <workspace>] [--quiet]

  Rebuilds .trialbook/trialbook.db from the run logs. Refused while another process (a VS Code window)
  holds the writer lock: use "Trialbook: Rebuild Database" there, or close it first.
`;

export async function runRebuildCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir'], ['quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(REBUILD_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0] ?? ''}"`);
  const index = await openForCli(parsed.options.get('dir'), parsed.flags.has('quiet'));
  try {
    if (!index.isWriter) {
      const reason = index.readOnlyReason;
      // Not the lock (a read-only folder, a directory in the database's place…): say what it is.
      if (reason !== undefined && !reason.includes('writer lock')) {
        printError(`cannot rebuild here: ${reason}.`);
        return 1;
      }
      printError('another process holds the database writer lock (.trialbook/trialbook.db.lock); '
        + 'rebuild from that VS Code window ("Trialbook: Rebuild Database") or close it and retry.');
      return 1;
    }
    const started = Date.now();
    const report = await index.rebuild((done, total) => {
      if (process.stderr.isTTY) process.stderr.write(`\rrebuilding: ${formatCount(done)}/${formatCount(total)} runs`);
    });
    if (process.stderr.isTTY) process.stderr.write('\n');
    const skipped = report.problems.length;
    process.stdout.write(`Rebuilt the index: ${formatCount(index.listRuns().length)} runs in ${formatDuration(Date.now() - started)}`
      + `${skipped > 0 ? `, ${formatCount(skipped)} unusable log lines skipped` : ''}${report.reader === 'worker' ? ' (logs read on a worker thread)' : ''}.\n`);
    return 0;
  } finally {
    await index.close();
  }
}
