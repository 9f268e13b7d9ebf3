// The run details page's Media section from a run's catalogued media: each key's latest value (the items of its last
// logged step), grouped by type in the order first logged. Images stay files under the run's media folder (`base`);
// a table sends only its first rows, read once per file (files are named by their content hash: they never change).
import type { LatestMedia, TableHead } from '../../shared/webviews/media/contract';
import { readMediaTable } from './compareMedia';
import type { KeyMedia, RunMedia } from './mediaCatalog';

/** Rows of a table the details page shows (the comparison shows the rest). */
export const TABLE_HEAD_ROWS = 10;

/** The first rows of a table file of the run (its cells as text), or why it cannot be shown. */
export function readTableHead(dir: string, file: string, rows = TABLE_HEAD_ROWS): TableHead {
  const table = readMediaTable('', dir, file);
  return { columns: table.columns, rows: table.rows.slice(0, rows), ...(table.error !== undefined ? { error: table.error } : {}) };
}

/** The last step of a key (the highest: steps may arrive out of order). */
function lastStep(byStep: ReadonlyMap<number, unknown>): number | undefined {
  let last: number | undefined;
  for (const step of byStep.keys()) if (last === undefined || step > last) last = step;
  return last;
}

/** The latest step of a key and its items. */
function latest<I>(media: { key: string; byStep: ReadonlyMap<number, I[]> }): { key: string; step: number; items: I[] } | undefined {
  const step = lastStep(media.byStep);
  const items = step === undefined ? undefined : media.byStep.get(step);
  return step === undefined || items === undefined ? undefined : { key: media.key, step, items };
}

/**
 * Each key's latest value. `base` is the webview URI of the run's media folder; `headOf` reads a table's first rows
 * (the host caches it by file name).
 */
export function latestMediaOf(run: RunMedia, base: string, headOf: (file: string) => TableHead): LatestMedia {
  const out: LatestMedia = { base, images: [], histograms: [], tables: [], matrices: [], curves: [], texts: [], skipped: [] };
  for (const media of run.keys.values()) {
    switch (media.type) {
      case 'image': push(out.images, latest(media as KeyMedia<'image'>)); break;
      case 'histogram': push(out.histograms, latest(media as KeyMedia<'histogram'>)); break;
      case 'confusion_matrix': push(out.matrices, latest(media as KeyMedia<'confusion_matrix'>)); break;
      case 'curve': push(out.curves, latest(media as KeyMedia<'curve'>)); break;
      case 'text': push(out.texts, latest(media as KeyMedia<'text'>)); break;
      case 'table': {
        const value = latest(media as KeyMedia<'table'>);
        const file = value?.items[0]?.file;
        if (value && file !== undefined) out.tables.push({ ...value, head: headOf(file) });
        break;
      }
      default: {
        const unreachable: never = media.type;
        return unreachable;
      }
    }
  }
  out.skipped = [...run.skipped].map(([type, count]) => ({ type, count }));
  return out;
}

function push<T>(list: T[], value: T | undefined): void {
  if (value !== undefined) list.push(value);
}

/** Whether the run's media changed since a signature was taken (new steps or keys; a live run logs more). */
export function latestSignature(run: RunMedia): string {
  return [...run.keys.values()].map((k) => `${k.type}:${k.key}=${k.byStep.size}:${lastStep(k.byStep) ?? ''}`).join(',')
    + `;${[...run.skipped].map(([t, n]) => `${t}=${n}`).join(',')}`;
}
