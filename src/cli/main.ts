// CLI dispatcher: `trialbook <command> …`. Exit codes: 0 success, 1 failure, 2 bad usage.
import { UsageError } from './cliArgs';
import { IMPORT_HELP, runImportCommand } from './importCommand';
import { GATE_HELP, runGateCommand } from './gateCommand';
import { REPORT_HELP, runReportCommand } from './reportCommand';
import { runPushCommand } from './pushCommand';
import { MONITOR_HELP, runMonitorCommand } from './monitorCommand';
import { REBUILD_HELP, runRebuildCommand } from './rebuildCommand';
import { RUNS_HELP, runRunsCommand } from './runsCommand';
import { runSeriesCommand, SERIES_HELP } from './seriesCommand';
import { runSyncCommand, SYNC_HELP } from './syncCommand';
import { printError } from './terminalOutput';

export const MAIN_HELP = `Trialbook command line: query and rebuild a workspace's run index, push models.

Usage: node dist/cli.js <command> [options]

Commands:
  runs      list runs (filter, sort, table or --json)
  series    metric series of runs as CSV or JSON
  rebuild   rebuild .trialbook/trialbook.db from the run logs
  push      push a run's model to a registry
  sync      send the workspace's runs to an MLflow tracking server (incremental)
  monitor   status of monitored model versions (exit code 1 on an alert)
  import    read another tool's runs (MLflow, TensorBoard, W&B) into the index
  gate      check a registered model version's metric gates (exit 0 pass, 1 fail)
  report    a registered model version's report as HTML and Markdown
  help      this text; "help <command>" for a command's options

Every command takes --dir <workspace> (default: $TRIALBOOK_DIR, else the nearest folder with .trialbook/).
The CLI shares the database with VS Code: when a window holds the writer lock, it reads without writing.
`;

const HELP = new Map<string, string>([
  ['runs', RUNS_HELP], ['rebuild', REBUILD_HELP], ['series', SERIES_HELP], ['monitor', MONITOR_HELP], ['import', IMPORT_HELP],
  ['gate', GATE_HELP], ['report', REPORT_HELP], ['sync', SYNC_HELP],
]);

/** Runs one command and answers its exit code; the caller ends the process (src/cli.ts). */
export async function runCli(argv: string[]): Promise<number> {
  const [command, ...rest] = argv;
  try {
    switch (command) {
      case undefined: case '--help': case '-h': case 'help': {
        const topic = rest[0];
        process.stdout.write((topic === undefined ? undefined : HELP.get(topic)) ?? MAIN_HELP);
        return 0;
      }
      case 'runs': return await runRunsCommand(rest);
      case 'rebuild': return await runRebuildCommand(rest);
      case 'series': return await runSeriesCommand(rest);
      case 'push': return await runPushCommand(rest);
      case 'sync': return await runSyncCommand(rest);
      case 'monitor': return await runMonitorCommand(rest);
      case 'import': return await runImportCommand(rest);
      case 'gate': return await runGateCommand(rest);
      case 'report': return await runReportCommand(rest);
      default:
        throw new UsageError(`unknown command "${command}"`);
    }
  } catch (err) {
    if (err instanceof UsageError) {
      printError(err.message);
      process.stderr.write('Run "trialbook help" for usage.\n');
      return 2;
    }
    throw err;
  }
}
