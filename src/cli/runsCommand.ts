// `trialbook runs`: list runs with a filter and sort, as a table or JSON.
import { FilterError } from '../core/filterLanguage';
import { summaryValue } from '../shared/metricDirection';
import type { RunRow } from '../core/model';
import { isSortColumn } from '../core/runQueries';
import { formatDate, formatDuration, formatNumber, formatValue } from '../shared/format';
import { parseArgs, splitList, UsageError } from './cliArgs';
import { openSourceForCli, sourceKindOption } from './importCommand';
import { openForCli } from './openForCli';
import { formatTable, printError } from './terminalOutput';

export const RUNS_HELP = `Usage: trialbook runs [--dir <workspace> | --source <path> [--kind KIND]] [--filter EXPR] [--sort KEY]
                      [--experiment NAME] [--limit N] [--columns k1,k2] [--json] [--quiet]

  --source PATH    list the runs of another tool's store instead (MLflow mlruns or mlflow.db, a TensorBoard logdir,
                   a wandb folder), read without a workspace and without writing anything (see "help import")

  --filter EXPR    e.g. "val_acc > 0.9 and status = finished" (see docs/filter-language.md)
  --sort KEY       column (name, started, ended, status, duration, experiment) or metric/param; "-" for descending
  --columns LIST   extra metric or param columns in the table (comma-separated; quote a name with a comma: "a,b")
  --json           one JSON array of runs (all fields) instead of a table
`;

function own<T>(o: Record<string, T>, k: string): T | undefined {
  return Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
}

/**
 * A metric's summary value (the last unless declared), a param or a summary value, as the sort keys name them
 * (`metric.NAME`, `param.NAME`, `summary.NAME` or just `NAME`).
 */
function cell(row: RunRow, key: string): string {
  if (key.startsWith('summary.')) return formatValue(row.summary ? own(row.summary, key.slice(8)) : undefined);
  if (!key.startsWith('param.')) {
    const m = own(row.metrics, key.startsWith('metric.') ? key.slice(7) : key);
    if (m) return formatNumber(summaryValue(m, m.summaryMode));
    if (key.startsWith('metric.')) return '';
  }
  return formatValue(own(row.params, key.startsWith('param.') ? key.slice(6) : key));
}

export async function runRunsCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'filter', 'sort', 'experiment', 'limit', 'columns', 'source', 'kind'], ['json', 'quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(RUNS_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0] ?? ''}"`);
  const limitText = parsed.options.get('limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new UsageError('--limit needs a whole number ≥ 0');
  const extra = splitList(parsed.options.get('columns'), 'columns');
  const source = parsed.options.get('source');
  if (source !== undefined && parsed.options.has('dir')) throw new UsageError('--source and --dir cannot be used together');
  const index = source === undefined ? await openForCli(parsed.options.get('dir'), parsed.flags.has('quiet'))
    : await openSourceForCli(source, sourceKindOption(parsed.options.get('kind')), parsed.flags.has('quiet'));
  if (!index) return 1;
  try {
    await index.sync();
    let rows: RunRow[];
    try {
      const query: Parameters<typeof index.listRuns>[0] = {};
      const filter = parsed.options.get('filter'); if (filter !== undefined) query.filter = filter;
      const sort = parsed.options.get('sort'); if (sort !== undefined) query.sort = sort;
      const experiment = parsed.options.get('experiment'); if (experiment !== undefined) query.experiment = experiment;
      if (limit !== undefined) query.limit = limit;
      rows = index.listRuns(query);
    } catch (err) {
      if (err instanceof FilterError) {
        printError(err.message);
        process.stderr.write(`${err.pointer()}\n`);
        return 2;
      }
      throw err;
    }
    if (parsed.flags.has('json')) {
      // NaN/Infinity are not JSON: written as {"$float": …} like the event format.
      process.stdout.write(`${JSON.stringify(rows, (_k, v: unknown) => (typeof v === 'number' && !Number.isFinite(v)
        ? { $float: Number.isNaN(v) ? 'NaN' : v > 0 ? 'Infinity' : '-Infinity' } : v), 2)}\n`);
      return 0;
    }
    // Sorting by a metric or param shows it as the first extra column.
    const sortKey = (parsed.options.get('sort') ?? '').trim().replace(/^[-+]/, '');
    if (sortKey && !isSortColumn(sortKey) && !extra.includes(sortKey)) extra.unshift(sortKey);
    const header = ['ID', 'EXPERIMENT', 'NAME', 'STATUS', 'STARTED', 'DURATION', ...extra.map((e) => e.toUpperCase())];
    const body = rows.map((r) => [r.id, r.experiment, r.name, r.status, formatDate(r.startedAt),
      formatDuration((r.endedAt ?? r.lastEventAt) - r.startedAt), ...extra.map((e) => cell(r, e))]);
    process.stdout.write(rows.length === 0 ? 'No runs match.\n' : formatTable(header, body));
    return 0;
  } finally {
    await index.close();
  }
}
