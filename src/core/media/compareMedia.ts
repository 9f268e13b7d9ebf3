// The compare panel's media section from the runs' catalogued media: per key (in the order first logged across the
// runs), each run's steps and items. Image files stay files: the page gets each run's media folder as a base URI.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import { formatValue } from '../../shared/format';
import {
  MEDIA_FILE, type CompareMedia, type KeySeries, type MediaTable, type MediaType,
} from '../../shared/webviews/media/contract';
import { stepsOf, type RunMedia } from './mediaCatalog';

const sections: { [T in MediaType]: keyof Omit<CompareMedia, 'bases' | 'skipped'> } = {
  image: 'images', histogram: 'histograms', table: 'tables', confusion_matrix: 'matrices', curve: 'curves', text: 'texts',
};

export function compareMediaOf(runs: readonly RunMedia[], baseOf: (run: RunMedia) => string): CompareMedia {
  const out: CompareMedia = { bases: [], images: [], histograms: [], tables: [], matrices: [], curves: [], texts: [], skipped: [] };
  const byKey = new Map<string, KeySeries<unknown>>();
  const skipped = new Map<string, number>();
  for (const run of runs) {
    if (run.keys.size) out.bases.push({ runId: run.runId, base: baseOf(run) });
    for (const [type, n] of run.skipped) skipped.set(type, (skipped.get(type) ?? 0) + n);
    for (const media of run.keys.values()) {
      const id = `${media.type}\u0000${media.key}`;
      let series = byKey.get(id);
      if (!series) {
        series = { key: media.key, runs: [] };
        byKey.set(id, series);
        (out[sections[media.type]] as KeySeries<unknown>[]).push(series);
      }
      const steps = stepsOf(media);
      series.runs.push({ runId: run.runId, steps, items: steps.map((s) => (media.byStep as Map<number, unknown[]>).get(s) ?? []) });
    }
  }
  out.skipped = [...skipped].map(([type, count]) => ({ type, count }));
  return out;
}

/** Whether two media sections hold the same steps (a live run's new values make them differ). */
export function mediaSignature(runs: readonly RunMedia[]): string {
  return runs.map((r) => `${r.runId}:${[...r.keys.values()].map((k) => `${k.key}=${k.byStep.size}`).join(',')}`).join(';');
}

const MAX_TABLE_BYTES = 16 * 1024 * 1024;

/** A logged table's cells as text for the page (numbers formatted as everywhere else), or why it cannot be shown. */
export function readMediaTable(runId: string, dir: string, file: string): MediaTable {
  const empty = { runId, file, columns: [], rows: [] };
  if (!MEDIA_FILE.test(file) || !file.endsWith('.json')) return { ...empty, error: 'Not a table file of this run.' };
  const path = join(dir, 'media', file);
  try {
    if (statSync(path).size > MAX_TABLE_BYTES) return { ...empty, error: 'The table is over 16 MiB; open the file instead.' };
    const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
    const table = parsed as { columns?: unknown; rows?: unknown };
    if (!Array.isArray(table.columns) || !Array.isArray(table.rows)) return { ...empty, error: 'The table file has no columns and rows.' };
    const columns = table.columns.map((c) => (typeof c === 'string' ? c : String(c)));
    const rows = table.rows.map((row) => (Array.isArray(row) ? columns.map((_, i) => cellText(row[i])) : columns.map(() => '')));
    return { runId, file, columns, rows };
  } catch (err) {
    return { ...empty, error: `The table could not be read: ${errorMessage(err)}` };
  }
}

function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (typeof value === 'string') return value;
  if (typeof value === 'object' && !Array.isArray(value) && '$float' in value) return String((value as { $float: unknown }).$float);
  if (typeof value === 'number' || typeof value === 'boolean') return String(value); // exact: the page sorts by it
  return formatValue(value);
}

