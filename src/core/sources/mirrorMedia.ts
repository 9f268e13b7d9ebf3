// Rich values of a source run as `media` events (docs/event-format.md, "Media"), so imported images, histograms and
// text show where the SDK's own do. Images are written once per content into the run's media folder (in
// Trialbook's folder, never the source's); a value that has no media form (hparams, audio, artifacts…) or breaks
// the format's rules stays listed in words, as before.
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RichData, RichValue } from './sourceModel';

const MAX_BINS = 512;
const MAX_KEY = 250;
const MAX_MARKDOWN = 1024 * 1024;

export interface MediaFile { name: string; bytes: Uint8Array }

export interface MediaLines {
  /** `media` lines, in the order of the values. */
  text: string;
  /** Files the lines name, to be in `<run>/media/` before the lines are appended. */
  files: MediaFile[];
  /** Values left to list in words. */
  rest: RichValue[];
}

type HistogramData = Extract<RichData, { kind: 'histogram' }>;

/**
 * A TensorBoard histogram (right bucket edges `limits`, `counts`, and the values' min and max) as at most 512 bins
 * with rising edges: empty buckets at both ends dropped, the outer edges brought to min and max (TensorBoard's last
 * limit is the largest double), neighbours merged when there are more than 512.
 */
export function histogramBins(d: HistogramData): { counts: number[]; edges: number[] } | undefined {
  const n = Math.min(d.limits.length, d.counts.length);
  let first = 0;
  let last = n - 1;
  while (first <= last && !((d.counts[first] ?? 0) > 0)) first++;
  while (last >= first && !((d.counts[last] ?? 0) > 0)) last--;
  if (first > last) return undefined;
  const edges = [first > 0 ? (d.limits[first - 1] ?? d.min) : Math.min(d.min, d.limits[0] ?? d.min)];
  const counts: number[] = [];
  for (let i = first; i <= last; i++) { edges.push(d.limits[i] ?? Number.NaN); counts.push(d.counts[i] ?? 0); }
  // Tighter outer edges where the values' range says so (keeping them rising).
  if (Number.isFinite(d.min) && d.min > (edges[0] ?? d.min) && d.min < (edges[1] ?? d.min)) edges[0] = d.min;
  const end = edges.length - 1;
  if (Number.isFinite(d.max) && d.max < (edges[end] ?? d.max) && d.max > (edges[end - 1] ?? d.max)) edges[end] = d.max;
  if (!edges.every((e, i) => Number.isFinite(e) && (i === 0 || e > (edges[i - 1] ?? e)))) return undefined;
  if (!counts.every((c) => Number.isFinite(c) && c >= 0)) return undefined;
  if (counts.length <= MAX_BINS) return { counts, edges };
  const per = Math.ceil(counts.length / MAX_BINS);
  const merged: number[] = [];
  const mergedEdges = [edges[0] ?? 0];
  for (let i = 0; i < counts.length; i += per) {
    let sum = 0;
    for (let j = i; j < Math.min(i + per, counts.length); j++) sum += counts[j] ?? 0;
    merged.push(sum);
    mergedEdges.push(edges[Math.min(i + per, counts.length)] ?? 0);
  }
  return { counts: merged, edges: mergedEdges };
}

function mediaLine(value: RichValue, type: string, item: Record<string, unknown>): string {
  return `${JSON.stringify({ v: 1, t: 'media', ts: Math.max(0, value.timeMs) / 1000, step: value.step, key: value.tag, type, items: [item] })}\n`;
}

/** The media form of each value that has one; `readFile` reads an image the source keeps in a file. */
export function mediaLines(rich: readonly RichValue[], readFile: (path: string) => Uint8Array | undefined): MediaLines {
  const out: MediaLines = { text: '', files: [], rest: [] };
  const names = new Set<string>();
  for (const r of rich) {
    const d = r.data;
    if (r.tag.length === 0 || r.tag.length > MAX_KEY || !Number.isSafeInteger(r.step) || r.step < 0 || !d) { out.rest.push(r); continue; }
    if (d.kind === 'histogram') {
      const bins = histogramBins(d);
      if (bins) { out.text += mediaLine(r, 'histogram', bins); continue; }
    } else if (d.kind === 'text' && d.text.length <= MAX_MARKDOWN) {
      out.text += mediaLine(r, 'text', { markdown: d.text });
      continue;
    } else if (d.kind === 'image' && (d.format === 'png' || d.format === 'jpeg') && d.width >= 1 && d.height >= 1) {
      const bytes = d.encoded ?? (d.file !== undefined ? readFile(d.file) : undefined);
      if (bytes && bytes.length > 0) {
        const sha256 = createHash('sha256').update(bytes).digest('hex');
        const name = `${sha256}.${d.format === 'png' ? 'png' : 'jpg'}`;
        if (!names.has(name)) { names.add(name); out.files.push({ name, bytes }); }
        const item: Record<string, unknown> = { path: `media/${name}`, sha256, format: d.format, width: d.width, height: d.height, bytes: bytes.length };
        if (d.caption !== undefined) item.caption = d.caption.slice(0, 1000);
        out.text += mediaLine(r, 'image', item);
        continue;
      }
    }
    out.rest.push(r);
  }
  return out;
}

/** Writes the files into `<runDir>/media/` once per content (temporary file, then rename). */
export function writeMediaFiles(runDir: string, files: readonly MediaFile[]): void {
  if (files.length === 0) return;
  const dir = join(runDir, 'media');
  mkdirSync(dir, { recursive: true });
  for (const f of files) {
    const target = join(dir, f.name);
    if (existsSync(target)) continue;
    const tmp = `${target}.tmp-${process.pid}`;
    writeFileSync(tmp, f.bytes);
    renameSync(tmp, target);
  }
}
