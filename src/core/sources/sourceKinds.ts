// Which kind of source a path is, and the reader for it. Detection looks only at names and a few bytes, bounded,
// so pointing it at a huge folder costs little.
import { closeSync, openSync, readSync, statSync } from 'node:fs';
import { basename, join } from 'node:path';
import { MlflowFileStoreReader } from './mlflowFileStore';
import { MlflowSqliteReader } from './mlflowSqlite';
import { listDir } from './sourceFiles';
import type { SourceKind } from './sourceModel';
import { SOURCE_KINDS } from './sourceModel';
import type { SourceReader } from './sourceReader';
import { TensorBoardReader } from './tensorboardLogdir';
import { WandbReader } from './wandbRuns';

/** A source as the `trialbook.sources` setting lists it. */
export interface SourceConfig {
  path: string;
  /** Detected from the path when absent. */
  kind?: SourceKind;
}

export function isSourceKind(value: unknown): value is SourceKind {
  return typeof value === 'string' && (SOURCE_KINDS as readonly string[]).includes(value);
}

const TFEVENTS = /^events\.out\.tfevents\./;
/** Folders looked into when searching a logdir for event files (a logdir of 50,000 empty folders stays cheap). */
const MAX_DETECT_DIRS = 2_000;

function startsWithBytes(file: string, magic: string): boolean {
  let fd: number | undefined;
  try {
    fd = openSync(file, 'r');
    const buf = Buffer.alloc(magic.length);
    return readSync(fd, buf, 0, magic.length, 0) === magic.length && buf.toString('latin1') === magic;
  } catch {
    return false;
  } finally {
    if (fd !== undefined) closeSync(fd);
  }
}

function hasEventFiles(root: string): boolean {
  const queue = [root];
  let seen = 0;
  while (queue.length > 0 && seen++ < MAX_DETECT_DIRS) {
    const dir = queue.shift() ?? root;
    for (const d of listDir(dir)) {
      if (d.isFile() && TFEVENTS.test(d.name)) return true;
      if (d.isDirectory() && !d.name.startsWith('.')) queue.push(join(dir, d.name));
    }
  }
  return false;
}

/** The kind of source at `path`, or why it is none. */
export function detectSourceKind(path: string): SourceKind | { problem: string } {
  let st;
  try { st = statSync(path); } catch { return { problem: `${path} does not exist or cannot be read` }; }
  if (st.isFile()) {
    if (startsWithBytes(path, 'SQLite format 3\u0000')) return 'mlflow-sqlite';
    if (TFEVENTS.test(basename(path))) return { problem: `${path} is one event file: add the folder that holds it (the logdir)` };
    return { problem: `${path} is a file that is neither an MLflow SQLite store nor a folder of runs` };
  }
  const entries = listDir(path);
  const names = new Set(entries.map((d) => d.name));
  if (entries.some((d) => d.isFile() && /^run-.+\.wandb$/.test(d.name)) || entries.some((d) => d.isDirectory() && /^(offline-)?run-\d{8}_\d{6}-/.test(d.name))) return 'wandb';
  if (names.has('wandb') && listDir(join(path, 'wandb')).some((d) => d.isDirectory() && /^(offline-)?run-\d{8}_\d{6}-/.test(d.name))) return { problem: `${path} holds a wandb folder: add ${join(path, 'wandb')}` };
  if (basename(path) === 'mlruns' || entries.some((d) => d.isDirectory() && /^\d+$/.test(d.name) && names.has('.trash'))
    || entries.some((d) => d.isDirectory() && /^\d+$/.test(d.name) && listDir(join(path, d.name)).some((e) => e.name === 'meta.yaml'))) return 'mlflow';
  if (hasEventFiles(path)) return 'tensorboard';
  return { problem: `${path} holds no MLflow store, TensorBoard event files or W&B runs` };
}

/** What readers need from their host: sql.js's WASM (for mlflow.db). */
export interface ReaderEnvironment { wasmPath?: string }

/** Opens the reader for a source (kind detected when not given). */
export function openSourceReader(config: SourceConfig, env: ReaderEnvironment = {}): SourceReader | { problem: string } {
  const kind = config.kind ?? detectSourceKind(config.path);
  if (typeof kind !== 'string') return kind;
  switch (kind) {
    case 'mlflow': return new MlflowFileStoreReader(config.path);
    case 'tensorboard': return new TensorBoardReader(config.path);
    case 'wandb': return new WandbReader(config.path);
    case 'mlflow-sqlite': return env.wasmPath ? new MlflowSqliteReader(config.path, env.wasmPath) : { problem: 'reading an MLflow SQLite store needs sql.js, which this host did not provide' };
    default: return { problem: `${kind} sources are not supported by this version` };
  }
}

/**
 * The `trialbook.sources` setting: a list of paths, or of `{ "path", "kind" }` objects. Entries that do not parse are
 * reported (with their position) and skipped.
 */
export function parseSourcesSetting(value: unknown): { sources: SourceConfig[]; problems: string[] } {
  const sources: SourceConfig[] = [];
  const problems: string[] = [];
  if (value === undefined || value === null) return { sources, problems };
  if (!Array.isArray(value)) return { sources, problems: ['trialbook.sources must be a list of paths or { "path", "kind" } objects'] };
  value.forEach((entry: unknown, i) => {
    if (typeof entry === 'string' && entry.trim() !== '') { sources.push({ path: entry.trim() }); return; }
    if (typeof entry === 'object' && entry !== null && !Array.isArray(entry)) {
      const path: unknown = (entry as Record<string, unknown>).path;
      const kind: unknown = (entry as Record<string, unknown>).kind;
      if (typeof path !== 'string' || path.trim() === '') { problems.push(`trialbook.sources[${i}] has no "path"`); return; }
      if (kind !== undefined && !isSourceKind(kind)) { problems.push(`trialbook.sources[${i}]: "kind" must be one of ${SOURCE_KINDS.join(', ')}`); return; }
      sources.push(kind === undefined ? { path: path.trim() } : { path: path.trim(), kind });
      return;
    }
    problems.push(`trialbook.sources[${i}] is neither a path nor a { "path", "kind" } object`);
  });
  return { sources, problems };
}

/** Folders of a workspace that look like another tool's runs (checked by name first, so the search stays cheap). */
export function findSourceCandidates(workspace: string): { path: string; kind: SourceKind }[] {
  const out: { path: string; kind: SourceKind }[] = [];
  const names = ['mlruns', 'mlflow.db', 'wandb', 'runs', 'logs', 'logdir', 'tb_logs', 'lightning_logs', 'tensorboard'];
  for (const name of names) {
    const path = join(workspace, name);
    const kind = detectSourceKind(path);
    if (typeof kind === 'string') out.push({ path, kind });
  }
  return out;
}
