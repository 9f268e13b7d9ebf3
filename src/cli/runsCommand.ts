// `trialbook runs`: list runs with a filter and sort, as a table or JSON.
import { FilterError } from '../core/filterLanguage';
import type { RunRow } from '../core/model';
import { parseArgs, UsageError } from './cliArgs';
import { openForCli } from './openForCli';

export const RUNS_HELP = `Usage: trialbook runs [--dir <workspace>] [--filter EXPR] [--sort KEY] [--experiment NAME]
                      [--limit N] [--columns k1,k2] [--json] [--quiet]

  --filter EXPR    e.g. "val_acc > 0.9 and status = finished" (see docs/filter-language.md)
  --sort KEY       column (name, started, ended, status, duration, experiment) or metric/param; "-" for descending
  --columns LIST   extra metric or param columns in the table
  --json           one JSON array of runs (all fields) instead of a table
`;

function cell(row: RunRow, key: string): string {
  const m = Object.prototype.hasOwnProperty.call(row.metrics, key) ? row.metrics[key] : undefined;
  if (m) return formatNumber(m.last);
  if (Object.prototype.hasOwnProperty.call(row.params, key)) {
    const v = row.params[key];
    return typeof v === 'number' ? formatNumber(v) : typeof v === 'string' ? v : JSON.stringify(v);
  }
  return '';
}

function formatNumber(v: number): string {
  if (!Number.isFinite(v)) return String(v);
  if (Number.isInteger(v)) return String(v);
  return Number(v.toPrecision(6)).toString();
}

function duration(row: RunRow): string {
  const s = Math.max(0, Math.round(((row.endedAt ?? row.lastEventAt) - row.startedAt) / 1000));
  if (s < 60) return `${s}s`;
  if (s < 3600) return `${Math.floor(s / 60)}m${String(s % 60).padStart(2, '0')}s`;
  return `${Math.floor(s / 3600)}h${String(Math.floor((s % 3600) / 60)).padStart(2, '0')}m`;
}

export function formatTable(header: string[], body: string[][]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i]!)).join('  ').trimEnd();
  return [line(header), ...body.map(line)].join('\n') + '\n';
}

export async function runRunsCommand(args: string[]): Promise<number> {
  const parsed = parseArgs(args, ['dir', 'filter', 'sort', 'experiment', 'limit', 'columns'], ['json', 'quiet', 'help']);
  if (parsed.flags.has('help')) { process.stdout.write(RUNS_HELP); return 0; }
  if (parsed.positional.length > 0) throw new UsageError(`unexpected argument "${parsed.positional[0]}"`);
  const limitText = parsed.options.get('limit');
  const limit = limitText === undefined ? undefined : Number(limitText);
  if (limit !== undefined && (!Number.isInteger(limit) || limit < 0)) throw new UsageError('--limit needs a whole number ≥ 0');
  const index = await openForCli(parsed.options.get('dir'), parsed.flags.has('quiet'));
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
        process.stderr.write(`trialbook: ${err.message}\n${err.pointer()}\n`);
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
    const sortKey = (parsed.options.get('sort') ?? '').replace(/^[-+]/, '');
    const extra = (parsed.options.get('columns') ?? '').split(',').map((s) => s.trim()).filter(Boolean);
    if (sortKey && !['name', 'id', 'experiment', 'status', 'started', 'ended', 'updated', 'duration', 'user', 'host'].includes(sortKey) && !extra.includes(sortKey)) extra.unshift(sortKey);
    const header = ['ID', 'EXPERIMENT', 'NAME', 'STATUS', 'STARTED', 'DURATION', ...extra.map((e) => e.toUpperCase())];
    const body = rows.map((r) => [r.id, r.experiment, r.name, r.status, new Date(r.startedAt).toISOString().slice(0, 19).replace('T', ' '), duration(r), ...extra.map((e) => cell(r, e))]);
    process.stdout.write(rows.length === 0 ? 'No runs match.\n' : formatTable(header, body));
    return 0;
  } finally {
    await index.close();
  }
}
