// Brings one source's runs into the index: each source run gets a run folder of its own under .trialbook/runs
// whose events.jsonl is written here, in Trialbook's format, from what the reader found since its cursor. The
// index then reads it like any other run (tailing by byte offset), so imported runs list, filter, compare and take
// edits (edits.jsonl beside it) like Trialbook's own. The source itself is only ever read.
//
// Identity: the folder name is derived from the source's own run id (never random), and `source.json` beside the
// log records the source, the id and the reader's cursor; a re-scan continues from the cursor, so nothing is
// imported twice. The log is appended first and the cursor written after (atomically): a crash in between can at
// worst repeat the last delta's points, never lose any.
import { createHash } from 'node:crypto';
import { closeSync, existsSync, fstatSync, mkdirSync, openSync, readFileSync, renameSync, writeFileSync, writeSync, writevSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import type { Logger } from '../model';
import type { ImportedAppend, ImportedSink } from '../index/importedColumns';
import { HEAD_BYTES } from '../logTail';
import { ImportLedger } from './importLedger';
import { importedBatch } from './mirrorColumns';
import { changedMetaLines, endLine, metricLines, resumeLine, richSummary, startLines, warningLine, type StartInfo } from './mirrorEvents';
import { mediaLines, writeMediaFiles } from './mirrorMedia';
import { isRecord } from './sourceFiles';
import type { SourceKind, SourceProblem, SourceRunMeta } from './sourceModel';
import { SOURCE_KIND_NAMES } from './sourceModel';
import type { RunListing, SourceReader, SourceRunRef } from './sourceReader';

export const SOURCE_FILE = 'source.json';
const ID_PREFIX: Readonly<Record<SourceKind, string>> = { mlflow: 'mlflow', 'mlflow-sqlite': 'mlflowdb', tensorboard: 'tb', wandb: 'wandb', 'mlflow-server': 'mlflowsrv' };
const SAFE = /[^A-Za-z0-9._-]+/g;

/** A source's identity: its absolute path, or a server's address as given (a URL is not a path). */
function rootKey(kind: SourceKind, root: string): string {
  return kind === 'mlflow-server' ? root : resolve(root);
}

/** The run folder name of a source run: stable across scans, valid as a Trialbook run id. */
export function mirrorRunId(kind: SourceKind, root: string, sourceId: string): string {
  const prefix = ID_PREFIX[kind];
  if ((kind === 'mlflow' || kind === 'mlflow-sqlite' || kind === 'wandb') && /^[A-Za-z0-9]{1,64}$/.test(sourceId)) return `${prefix}-${sourceId}`;
  // A TensorBoard run is a path: readable slug plus a hash of the logdir and the path (two logdirs may both hold run-a).
  const hash = createHash('sha1').update(`${rootKey(kind, root)}\u0000${sourceId}`).digest('hex').slice(0, 10);
  const slug = sourceId.replace(SAFE, '_').replace(/^[._-]+/, '').slice(0, 80);
  return slug ? `${prefix}-${slug}-${hash}` : `${prefix}-${hash}`;
}

/** What source.json holds. */
interface MirrorState {
  format: 1;
  kind: SourceKind;
  root: string;
  sourceId: string;
  cursor: unknown;
  /** The metadata last written (for telling what changed). */
  meta?: { status: SourceRunMeta['status']; notes: string; tags: [string, string][]; experiment: string; name: string; endedAt?: number };
  ended: boolean;
  /** Latest point time written (ms). */
  lastMs: number;
  richCount: number;
}

function readState(file: string): MirrorState | undefined {
  if (!existsSync(file)) return undefined;
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (!isRecord(v) || v.format !== 1 || typeof v.root !== 'string' || typeof v.sourceId !== 'string' || typeof v.kind !== 'string') return undefined;
    return v as unknown as MirrorState;
  } catch {
    return undefined;
  }
}

function writeState(file: string, state: MirrorState): void {
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, JSON.stringify(state));
  renameSync(tmp, file);
}

export interface MirrorProblem extends SourceProblem {
  /** The run folder it concerns, when it concerns one run. */
  runId?: string;
}

export interface MirrorReport {
  kind: SourceKind;
  root: string;
  /** Runs the source holds (as listed). */
  runs: number;
  /** Run folders whose log grew in this pass. */
  changed: string[];
  /** Bytes appended to the run logs in this pass. */
  bytes: number;
  problems: MirrorProblem[];
}

/** Problems of one file are logged once per cause; the report still lists each. */
const MAX_LOGGED_PER_PASS = 20;

/**
 * One pass over a source: every run read from its cursor, what is new appended to its run log. `runsDir` is
 * .trialbook/runs. Never throws for a run's problem (it is reported and the other runs go on).
 */
export async function mirrorSource(reader: SourceReader, runsDir: string, log: Logger, options: MirrorOptions = {}): Promise<MirrorReport> {
  const report: MirrorReport = { kind: reader.kind, root: reader.root, runs: 0, changed: [], bytes: 0, problems: [] };
  const listing = options.listing ?? await reader.listRuns();
  report.runs = listing.runs.length;
  report.problems.push(...listing.problems);
  mkdirSync(runsDir, { recursive: true });
  // Parents first, so a nested run can name its parent's folder.
  const ledger = options.ledger ?? new ImportLedger(runsDir);
  const ids = new Map<string, string>();
  for (const ref of listing.runs) ids.set(ref.sourceId, mirrorRunId(reader.kind, reader.root, ref.sourceId));
  for (const ref of listing.runs) {
    const runId = ids.get(ref.sourceId) ?? mirrorRunId(reader.kind, reader.root, ref.sourceId);
    try {
      const bytes = await mirrorRun(reader, ref, runId, runsDir, ids, report, ledger, options.sink);
      if (bytes > 0) { report.changed.push(runId); report.bytes += bytes; }
    } catch (err) {
      report.problems.push({ runId, file: ref.location, reason: `cannot import this run: ${errorMessage(err)}` });
    }
  }
  if (!options.ledger) ledger.save();
  let logged = 0;
  let more = 0;
  for (const p of report.problems) {
    const text = `Trialbook: ${SOURCE_KIND_NAMES[reader.kind]} ${reader.root}: ${describeProblem(p)}.`;
    if (options.told) { if (options.told.has(text)) continue; options.told.add(text); }
    if (logged++ >= MAX_LOGGED_PER_PASS) { more++; continue; }
    log.warn(text);
  }
  if (more > 0) log.warn(`Trialbook: ${more} more problems in ${reader.root} (not listed).`);
  return report;
}

export interface MirrorOptions {
  /** The runs as listed before (a follower lists a big logdir only now and then); listed now when absent. */
  listing?: RunListing;
  /** Problems already logged: each is logged once. */
  told?: Set<string>;
  /** A ledger the caller saves (a server listed in many pages keeps one ledger across them). */
  ledger?: ImportLedger;
  /** The index, to hand each run's appended lines to as columns (it reads the log for any it does not take). */
  sink?: ImportedSink;
}

export function describeProblem(p: SourceProblem): string {
  const where = p.offset !== undefined ? `${p.file} at byte ${p.offset}` : p.line !== undefined ? `${p.file}:${p.line}` : p.file;
  return `${where}: ${p.reason}`;
}

/** An image file the source keeps (W&B media), read for the run's media folder; undefined when it cannot be read. */
function readSourceFile(path: string): Uint8Array | undefined {
  try { return readFileSync(path); } catch { return undefined; }
}

async function mirrorRun(reader: SourceReader, ref: SourceRunRef, runId: string, runsDir: string, ids: ReadonlyMap<string, string>, report: MirrorReport,
  ledger: ImportLedger, sink: ImportedSink | undefined): Promise<number> {
  const dir = join(runsDir, runId);
  const stateFile = join(dir, SOURCE_FILE);
  const logFile = join(dir, 'events.jsonl');
  // Imported before and its folder removed since: the user deleted it; it stays deleted until asked for again.
  if (ledger.isDeleted(runId)) return 0;
  let state = readState(stateFile);
  const hasLog = existsSync(logFile);
  if (state && (state.root !== rootKey(reader.kind, reader.root) || state.kind !== reader.kind)) {
    report.problems.push({ runId, file: ref.location, reason: `run ${ref.sourceId} is already imported from ${state.root}; this copy is left out` });
    return 0;
  }
  if (!state && hasLog) {
    report.problems.push({ runId, file: ref.location, reason: `a Trialbook run named ${runId} already exists; this source run is left out` });
    return 0;
  }
  // The log was removed (a rebuild from scratch, a deleted folder): read the run again from the start.
  if (state && !hasLog) state = undefined;
  if (state) ledger.add(runId, { kind: reader.kind, root: state.root, sourceId: ref.sourceId }); // imported before the ledger existed
  const delta = await reader.readRun(ref, state?.cursor);
  for (const p of delta.problems) report.problems.push({ ...p, runId });
  const info: StartInfo = { mirrorId: runId, kind: reader.kind, paramsAsText: reader.kind === 'mlflow' || reader.kind === 'mlflow-sqlite' };
  const parent = delta.meta?.parent;
  if (parent !== undefined) { const p = ids.get(parent); if (p !== undefined) info.parentMirrorId = p; }
  let before = ''; // the lines before the points (metadata, a resume)
  const next: MirrorState = state ? { ...state, cursor: delta.cursor } : { format: 1, kind: reader.kind, root: rootKey(reader.kind, reader.root), sourceId: ref.sourceId, cursor: delta.cursor, ended: false, lastMs: 0, richCount: 0 };
  if (!state) {
    if (!delta.meta) return 0; // nothing usable yet (no metadata): tried again next pass
    before += startLines(info, delta.meta);
  } else if (delta.meta) {
    const was: SourceRunMeta | undefined = state.meta
      ? { ...delta.meta, notes: state.meta.notes, tags: new Map(state.meta.tags) } : undefined;
    before += changedMetaLines(info, was, delta.meta, Math.max(next.lastMs, delta.meta.startedAt));
  }
  const points = metricLines(delta.series);
  // Points after the run had ended (a TensorBoard run written again, an MLflow run resumed): it runs again.
  if (points.bytes.length > 0 && next.ended && next.meta) {
    before += resumeLine(runId, next.meta.experiment, next.meta.name, next.lastMs);
    next.ended = false;
  }
  if (points.lastMs > next.lastMs) next.lastMs = points.lastMs;
  const media = mediaLines(delta.rich, readSourceFile);
  let after = media.text; // the lines after the points
  const rich = richSummary(media.rest);
  if (rich) { after += warningLine(Math.max(next.lastMs, delta.meta?.startedAt ?? 0), rich); next.richCount += media.rest.length; }
  if (delta.meta) {
    const m = delta.meta;
    next.meta = { status: m.status, notes: m.notes, tags: [...m.tags], experiment: m.experiment, name: m.name };
    if (m.endedAt !== undefined) next.meta.endedAt = m.endedAt;
  }
  const status = next.meta?.status ?? 'running';
  if (status !== 'running' && !next.ended) {
    const endMs = delta.meta?.endedAt ?? Math.max(next.meta?.endedAt ?? 0, next.lastMs);
    after += endLine(status, endMs);
    next.ended = true;
  }
  if (before === '' && points.bytes.length === 0 && after === '' && state) { if (JSON.stringify(state.cursor) !== JSON.stringify(delta.cursor)) writeState(stateFile, next); return 0; }
  mkdirSync(dir, { recursive: true });
  writeMediaFiles(dir, media.files); // before the lines that name them
  const written = appendLog(logFile, before, points.bytes, after);
  writeState(stateFile, next);
  ledger.add(runId, { kind: reader.kind, root: next.root, sourceId: ref.sourceId });
  if (sink && written.toOffset === written.fromOffset + written.bytes) {
    // The index takes the lines as columns instead of reading them back (index/importedColumns.ts); when it cannot, it reads the log.
    const batch = importedBatch(before, points, after);
    if (batch) {
      const append: ImportedAppend = { runId, fromOffset: written.fromOffset, toOffset: written.toOffset, lines: batch.lines, batch };
      if (written.fromOffset === 0) append.head = written.head;
      try { await sink(append); } catch { /* the next sync reads the log */ }
    }
  }
  return written.bytes;
}

/**
 * Appends the lines to the log in one write (gathered: the points, a few hundred KB for a run's first import, are
 * not copied into one buffer with the lines around them); where the log ended before and after (another writer
 * shows as a gap).
 */
function appendLog(file: string, before: string, points: Buffer, after: string): { fromOffset: number; toOffset: number; bytes: number; head: Uint8Array } {
  const parts = [Buffer.from(before, 'utf8'), points, Buffer.from(after, 'utf8')].filter((b) => b.length > 0);
  const bytes = parts.reduce((n, b) => n + b.length, 0);
  const fd = openSync(file, 'a');
  try {
    const fromOffset = fstatSync(fd).size;
    let done = parts.length > 0 ? writevSync(fd, parts) : 0;
    // A write cut short (rare for a file) goes on from where it stopped.
    for (const b of parts) {
      if (done >= b.length) { done -= b.length; continue; }
      let at = done;
      while (at < b.length) at += writeSync(fd, b, at, b.length - at);
      done = 0;
    }
    // What was written first (the head of a new log: the index hashes it rather than reading it back).
    const head = Buffer.concat(parts, Math.min(bytes, HEAD_BYTES)); // copies those bytes only
    return { fromOffset, toOffset: fstatSync(fd).size, bytes, head };
  } finally {
    closeSync(fd);
  }
}
