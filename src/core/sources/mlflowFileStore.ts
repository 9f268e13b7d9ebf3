// MLflow FileStore (`mlruns/`, as MLflow 2.x writes it): experiments and runs from meta.yaml, params and tags from
// one file per key, metric histories from `<ms> <value> <step>` lines read by byte offset (a run still RUNNING
// keeps appending), artifacts listed from the run's artifacts/ folder. Layout: ../shared/fixtures/peers/README.md.
import { join } from 'node:path';
import { readAppendedLines } from '../logTail';
import type { ParamValue } from '../model';
import { parseMetaYaml, yamlNumber, yamlText, type YamlDocument } from './metaYaml';
import { cursorNumber, fileSignature, folderSignature, isRecord, listDir, listFilesRecursive, readTextIfExists } from './sourceFiles';
import type { RunDelta, SourceProblem, SourceRunMeta, SourceSeries } from './sourceModel';
import { seriesOf } from './sourceModel';
import type { RunListing, SourceReader, SourceRunRef } from './sourceReader';

/** MLflow's RunStatus numbers as the FileStore writes them. */
const STATUS_BY_NUMBER = new Map<number, SourceRunMeta['status']>([[1, 'running'], [2, 'running'], [3, 'finished'], [4, 'failed'], [5, 'killed']]);
const RUN_ID = /^[0-9a-f]{32}$/;
/** A metric value as Python's float repr writes it (and the words MLflow uses for non-finite values). */
const FLOAT = /^[-+]?(\d+\.?\d*(e[-+]?\d+)?|\.\d+(e[-+]?\d+)?|nan|inf|infinity)$/i;

export interface MlflowExperiment {
  id: string;
  name: string;
  lifecycleStage: string;
  artifactLocation: string;
  creationTime?: number;
  tags: Map<string, string>;
  dir: string;
}

export interface MlflowRegisteredModel {
  name: string;
  description: string;
  tags: Map<string, string>;
  aliases: Map<string, string>;
  versions: { version: string; source: string; runId: string; status: string; currentStage: string }[];
}

/** A metric line's value: a number, NaN or ±Infinity; undefined when the text is none of them. */
export function parseMlflowValue(text: string): number | undefined {
  if (!FLOAT.test(text)) return undefined;
  const t = text.toLowerCase();
  if (t === 'nan' || t === '+nan' || t === '-nan') return Number.NaN;
  if (t === 'inf' || t === '+inf' || t === 'infinity' || t === '+infinity') return Number.POSITIVE_INFINITY;
  if (t === '-inf' || t === '-infinity') return Number.NEGATIVE_INFINITY;
  return Number(text);
}

/** One metric line `<timestamp ms> <value> <step>` (step optional in old stores), or why it is not one. */
export function parseMetricLine(line: string): { timeMs: number; value: number; step: number } | { invalid: string } {
  const parts = line.trim().split(' ');
  if (parts.length !== 2 && parts.length !== 3) return { invalid: `expected "<timestamp> <value> <step>", found ${parts.length} fields` };
  const timeMs = Number(parts[0]);
  if (!/^-?\d+$/.test(parts[0] ?? '') || !Number.isSafeInteger(timeMs)) return { invalid: `timestamp "${(parts[0] ?? '').slice(0, 40)}" is not a whole number` };
  const value = parseMlflowValue(parts[1] ?? '');
  if (value === undefined) return { invalid: `value "${(parts[1] ?? '').slice(0, 40)}" is not a number` };
  const step = parts.length === 3 ? Number(parts[2]) : 0;
  if (parts.length === 3 && (!/^-?\d+$/.test(parts[2] ?? '') || !Number.isSafeInteger(step))) return { invalid: `step "${(parts[2] ?? '').slice(0, 40)}" is not a whole number` };
  return { timeMs, value, step };
}

/** A whole number of at most 15 digits (always safe) in text[from, to), or NaN. */
function wholeNumber(text: string, from: number, to: number): number {
  let i = from;
  const negative = text.charCodeAt(i) === 45; // '-'
  if (negative) i++;
  if (i >= to || to - i > 15) return Number.NaN;
  let n = 0;
  for (; i < to; i++) {
    const c = text.charCodeAt(i) - 48;
    if (c < 0 || c > 9) return Number.NaN;
    n = n * 10 + c;
  }
  return negative ? -n : n;
}

/**
 * The common line (`<ms> <finite value> <step>`, single spaces) pushed onto the series without splitting it;
 * false for anything else (non-finite values, old two-field lines, odd spacing, bad lines), which parseMetricLine
 * then reads or rejects as before.
 */
export function pushMetricLine(line: string, s: SourceSeries): boolean {
  return pushMetricText(line, 0, line.length, s);
}

/** pushMetricLine for the line text[from, to) of a longer text (a chunk of lines is not split into strings). */
function pushMetricText(text: string, from: number, to: number, s: SourceSeries): boolean {
  const a = text.indexOf(' ', from);
  if (a <= from || a >= to) return false;
  const b = text.indexOf(' ', a + 1);
  if (b <= a + 1 || b >= to) return false;
  const c = text.indexOf(' ', b + 1);
  if (c >= 0 && c < to) return false;
  const timeMs = wholeNumber(text, from, a);
  const step = wholeNumber(text, b + 1, to);
  if (timeMs !== timeMs || step !== step) return false;
  // Only the characters of a decimal float: Number() then reads exactly what FLOAT accepts (hex, words, blanks excluded).
  for (let i = a + 1; i < b; i++) {
    const ch = text.charCodeAt(i);
    if (!((ch >= 48 && ch <= 57) || ch === 46 || ch === 43 || ch === 45 || ch === 101 || ch === 69)) return false;
  }
  const value = Number(text.slice(a + 1, b));
  if (!Number.isFinite(value)) return false;
  s.steps.push(step);
  s.times.push(timeMs);
  s.values.push(value);
  return true;
}

function readKeyFiles(dir: string): Map<string, string> {
  const out = new Map<string, string>();
  for (const f of listFilesRecursive(dir)) out.set(f.path, readTextIfExists(join(dir, f.path)) ?? '');
  return out;
}

function readMeta(file: string, problems: SourceProblem[], required: readonly string[]): YamlDocument | undefined {
  const text = readTextIfExists(file);
  if (text === undefined) return undefined;
  const doc = parseMetaYaml(text);
  for (const p of doc.problems) problems.push({ file, line: p.line, reason: p.reason });
  const missing = required.filter((k) => !doc.values.has(k));
  if (missing.length > 0) problems.push({ file, reason: `meta.yaml lacks ${missing.join(', ')}; defaults are used for ${missing.length === 1 ? 'it' : 'them'}` });
  return doc;
}

interface MlflowCursor {
  /** Signature of meta.yaml, params/ and tags/: the metadata is read again when it changes. */
  metaSig: string;
  /** Per metric file: bytes and lines read. */
  metrics: Record<string, { offset: number; line: number }>;
  finished: boolean;
}

function asCursor(value: unknown): MlflowCursor | undefined {
  if (!isRecord(value) || typeof value.metaSig !== 'string' || !isRecord(value.metrics)) return undefined;
  const metrics: MlflowCursor['metrics'] = {};
  for (const [k, v] of Object.entries(value.metrics)) {
    if (isRecord(v)) Object.defineProperty(metrics, k, { value: { offset: cursorNumber(v.offset), line: cursorNumber(v.line) }, enumerable: true, writable: true, configurable: true });
  }
  return { metaSig: value.metaSig, metrics, finished: value.finished === true };
}

export class MlflowFileStoreReader implements SourceReader {
  readonly kind = 'mlflow' as const;
  private experimentsById = new Map<string, MlflowExperiment>();

  constructor(readonly root: string) {}

  /** Experiments with their tags (deleted ones included, with their stage). */
  experiments(problems: SourceProblem[] = []): MlflowExperiment[] {
    const out: MlflowExperiment[] = [];
    for (const d of listDir(this.root)) {
      if (!d.isDirectory() || d.name === '.trash' || d.name === 'models') continue;
      const dir = join(this.root, d.name);
      const meta = readMeta(join(dir, 'meta.yaml'), problems, ['experiment_id', 'name']);
      if (!meta) continue;
      const exp: MlflowExperiment = {
        id: yamlText(meta, 'experiment_id') ?? d.name,
        name: yamlText(meta, 'name') ?? d.name,
        lifecycleStage: yamlText(meta, 'lifecycle_stage') ?? 'active',
        artifactLocation: yamlText(meta, 'artifact_location') ?? '',
        tags: readKeyFiles(join(dir, 'tags')),
        dir,
      };
      const created = yamlNumber(meta, 'creation_time');
      if (created !== undefined) exp.creationTime = created;
      out.push(exp);
    }
    return out.sort((a, b) => (a.creationTime ?? 0) - (b.creationTime ?? 0));
  }

  async listRuns(): Promise<RunListing> {
    const problems: SourceProblem[] = [];
    const runs: SourceRunRef[] = [];
    this.experimentsById = new Map();
    for (const exp of this.experiments(problems)) {
      this.experimentsById.set(exp.id, exp);
      if (exp.lifecycleStage === 'deleted') continue;
      for (const d of listDir(exp.dir)) {
        if (!d.isDirectory() || !RUN_ID.test(d.name)) continue;
        runs.push({ sourceId: d.name, location: join(exp.dir, d.name) });
      }
    }
    return { runs, problems };
  }

  async readRun(ref: SourceRunRef, cursorValue: unknown): Promise<RunDelta> {
    const prev = asCursor(cursorValue);
    const dir = ref.location;
    const delta: RunDelta = { sourceId: ref.sourceId, series: new Map(), rich: [], problems: [], cursor: undefined };
    const metaSig = [fileSignature(join(dir, 'meta.yaml')), folderSignature(join(dir, 'params')), folderSignature(join(dir, 'tags'))].join('#');
    const cursor: MlflowCursor = { metaSig, metrics: prev?.metrics ?? {}, finished: prev?.finished ?? false };
    // A run that ended and whose metadata did not change has nothing new (MLflow does not log to ended runs).
    if (prev && prev.metaSig === metaSig && prev.finished) { delta.cursor = cursor; return delta; }
    if (!prev || prev.metaSig !== metaSig) {
      const meta = this.readRunMeta(ref, delta.problems);
      if (meta) { delta.meta = meta; cursor.finished = meta.status !== 'running'; }
    }
    this.readMetrics(join(dir, 'metrics'), cursor, delta);
    delta.cursor = cursor;
    return delta;
  }

  close(): void { /* nothing held open */ }

  /** The run's metadata, params, tags and artifacts; undefined when its meta.yaml is gone. */
  private readRunMeta(ref: SourceRunRef, problems: SourceProblem[]): SourceRunMeta | undefined {
    const dir = ref.location;
    const metaFile = join(dir, 'meta.yaml');
    const meta = readMeta(metaFile, problems, ['run_id', 'experiment_id', 'status', 'start_time']);
    if (!meta) { problems.push({ file: metaFile, reason: 'the run has no meta.yaml; it is left out' }); return undefined; }
    const tags = readKeyFiles(join(dir, 'tags'));
    const params = new Map<string, ParamValue>();
    for (const [k, v] of readKeyFiles(join(dir, 'params'))) params.set(k, v);
    const expId = yamlText(meta, 'experiment_id') ?? '';
    const statusNumber = yamlNumber(meta, 'status');
    const statusText = yamlText(meta, 'status');
    const status = (statusNumber !== undefined ? STATUS_BY_NUMBER.get(statusNumber) : undefined)
      ?? (statusText !== undefined ? STATUS_BY_NAME.get(statusText.toUpperCase()) : undefined) ?? 'finished';
    const result: SourceRunMeta = {
      experiment: this.experimentsById.get(expId)?.name ?? (expId || 'mlflow'),
      name: yamlText(meta, 'run_name') || tags.get('mlflow.runName') || ref.sourceId,
      status,
      startedAt: yamlNumber(meta, 'start_time') ?? 0,
      notes: tags.get('mlflow.note.content') ?? '',
      tags,
      params,
      summary: new Map(),
      artifacts: listFilesRecursive(join(dir, 'artifacts')),
    };
    const end = yamlNumber(meta, 'end_time');
    if (end !== undefined && status !== 'running') result.endedAt = end;
    const user = yamlText(meta, 'user_id') || tags.get('mlflow.user');
    if (user) result.user = user;
    const script = tags.get('mlflow.source.name');
    if (script) result.script = script;
    const parent = tags.get('mlflow.parentRunId');
    if (parent) result.parent = parent;
    return result;
  }

  /** Appends what each metric file gained since its cursor; a malformed line is reported and skipped. */
  private readMetrics(metricsDir: string, cursor: MlflowCursor, delta: RunDelta): void {
    for (const f of listFilesRecursive(metricsDir)) {
      const key = f.path;
      const at = Object.prototype.hasOwnProperty.call(cursor.metrics, key) ? cursor.metrics[key] : undefined;
      const from = at && at.offset <= f.size ? at : { offset: 0, line: 0 };
      if (from.offset === f.size) continue;
      const file = join(metricsDir, key);
      let s: SourceSeries | undefined;
      const take = (text: string, lineNo: number): void => {
        s ??= seriesOf(delta, key);
        if (pushMetricLine(text, s)) return;
        if (text.trim() === '') return;
        const p = parseMetricLine(text);
        if ('invalid' in p) { delta.problems.push({ file, line: lineNo, reason: `${p.invalid}; line skipped` }); return; }
        s.steps.push(p.step);
        s.times.push(p.timeMs);
        s.values.push(p.value);
      };
      // Bounded by the size listed: the read buffer fits the file (most are small) instead of a 4 MiB chunk each.
      const result = readAppendedLines(file, from.offset, from.line, (line, lineNo) => {
        if ('invalid' in line) { delta.problems.push({ file, line: lineNo, reason: line.invalid }); return; }
        take(line.text, lineNo);
      }, {
        endOffset: f.size,
        // Most lines are parsed in place in the chunk's text; only an uncommon one becomes a string of its own.
        onText: (text, firstLine) => {
          const series = s ??= seriesOf(delta, key);
          let lineNo = firstLine;
          let start = 0;
          for (;;) {
            let end = text.indexOf('\n', start);
            if (end < 0) end = text.length;
            if (!pushMetricText(text, start, end, series)) take(text.slice(start, end), lineNo);
            if (end === text.length) return lineNo - firstLine + 1;
            lineNo++;
            start = end + 1;
          }
        },
      });
      if (s && s.steps.length === 0) delta.series.delete(key);
      Object.defineProperty(cursor.metrics, key, { value: { offset: result.offset, line: result.line }, enumerable: true, writable: true, configurable: true });
    }
  }

  /** Registered models, versions and aliases (models/ in the same tree). */
  registeredModels(problems: SourceProblem[] = []): MlflowRegisteredModel[] {
    const out: MlflowRegisteredModel[] = [];
    const modelsDir = join(this.root, 'models');
    for (const d of listDir(modelsDir)) {
      if (!d.isDirectory()) continue;
      const dir = join(modelsDir, d.name);
      const meta = readMeta(join(dir, 'meta.yaml'), problems, ['name']);
      if (!meta) continue;
      const aliases = new Map<string, string>();
      for (const [alias, version] of readKeyFiles(join(dir, 'aliases'))) aliases.set(alias, version.trim());
      const versions: MlflowRegisteredModel['versions'] = [];
      for (const v of listDir(dir)) {
        if (!v.isDirectory() || !v.name.startsWith('version-')) continue;
        const vm = readMeta(join(dir, v.name, 'meta.yaml'), problems, ['version']);
        if (!vm) continue;
        versions.push({
          version: yamlText(vm, 'version') ?? v.name.slice(8), source: yamlText(vm, 'source') ?? '', runId: yamlText(vm, 'run_id') ?? '',
          status: yamlText(vm, 'status') ?? '', currentStage: yamlText(vm, 'current_stage') ?? 'None',
        });
      }
      versions.sort((a, b) => Number(a.version) - Number(b.version));
      out.push({ name: yamlText(meta, 'name') ?? d.name, description: yamlText(meta, 'description') ?? '', tags: readKeyFiles(join(dir, 'tags')), aliases, versions });
    }
    return out;
  }
}

/** MLflow's RunStatus names (the SQLite store writes these). */
export const STATUS_BY_NAME = new Map<string, SourceRunMeta['status']>([
  ['RUNNING', 'running'], ['SCHEDULED', 'running'], ['FINISHED', 'finished'], ['FAILED', 'failed'], ['KILLED', 'killed'],
]);
