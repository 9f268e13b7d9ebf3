// Domain types shared by the index, the CLI and the editor adapters.
// Names follow docs/architecture.md: run, experiment, metric, param, tag, note, artifact, model, push.
import type { MetricGoal, SummaryMode } from '../shared/metricDirection';

export type RunStatus = 'running' | 'finished' | 'failed' | 'killed' | 'crashed';

/** A param or summary value as decoded from the log (non-finite floats become numbers again). */
export type ParamValue = string | number | boolean | null | ParamValue[] | { [key: string]: ParamValue };

export interface MetricSummary {
  last: number;
  min: number;
  max: number;
  count: number;
  lastStep: number;
  /** The goal the run declared (`define_metric(goal=…)`); absent: guessed from the name (shared/metricDirection). */
  goal?: MetricGoal;
  /** Which value stands for the run (`define_metric(summary=…)`); absent: the last. */
  summaryMode?: SummaryMode;
}

/** A metric's definition as a run declared it (`metric` events). */
export interface MetricDefinition {
  goal?: MetricGoal;
  summary?: SummaryMode;
}

/** One row of the runs list: what trees, tables and filters need. */
export interface RunRow {
  id: string;
  experiment: string;
  name: string;
  status: RunStatus;
  /** Milliseconds since the epoch. */
  startedAt: number;
  endedAt?: number;
  lastEventAt: number;
  user?: string;
  host?: string;
  script?: string;
  notebook?: string;
  gitCommit?: string;
  notes: string;
  tags: string[];
  params: Record<string, ParamValue>;
  metrics: Record<string, MetricSummary>;
  /** Lines of this run's log that could not be used. */
  skippedLines: number;
  /** Starred by the user in the editor (runs/<id>/edits.jsonl). */
  starred?: boolean;
  /** The metric the run declared primary (`define_metric(…, primary=True)`). */
  primaryMetric?: string;
  /** The run's `summary` values (`run.summary[…]`), keyed by run-supplied names (read them as own properties). */
  summary?: Record<string, ParamValue>;
  /**
   * A run imported from another tool that its source still calls running, silent for longer than
   * `crashAfterSeconds`: that tool writes no heartbeats, so Trialbook cannot tell a crash from a pause (it stays
   * running, shown with how long it has been silent, until its source ends it).
   */
  stale?: true;
}

export interface GitLineage {
  commit?: string;
  branch?: string;
  remote?: string;
  dirty?: boolean;
  diff?: string;
  diffTruncated?: boolean;
  root?: string;
  /** The entry script's path inside the repository (forward slashes). */
  path?: string;
  /** Files git does not track (repository-relative, at most 1,000). */
  untracked?: string[];
  /** Tracked files that differ from the commit (at most 1,000). */
  modified?: string[];
  /** A list was cut, or untracked folders are listed as folders. */
  filesTruncated?: boolean;
}

/** How git held a captured file when the run started. */
export type SourceState = 'untracked' | 'modified' | 'added' | 'ignored' | 'no-repository';

/** The entry script or notebook as it ran, when git does not hold it (`.trialbook/sources/<sha256>`). */
export interface CapturedSource {
  path: string;
  state: SourceState;
  sha256: string;
  size: number;
  /** Relative to `.trialbook/`; absent when the file was over the size cap (hash only). */
  stored?: string;
}

export type DatasetKind = 'file' | 'folder' | 'remote' | 'missing';
export type DatasetStatus = 'complete' | 'partial' | 'unreadable' | 'missing' | 'remote';

/** One dataset a run used (`dataset` events; a later event with the same key replaces the earlier one). */
export interface DatasetUse {
  key: string;
  name: string;
  /** Absolute path, or a URI without credentials. */
  source: string;
  kind: DatasetKind;
  status: DatasetStatus;
  context?: string;
  sha256?: string;
  size?: number;
  files?: number;
  filesHashed?: number;
  filesCached?: number;
  bytesHashed?: number;
  format?: string;
  rows?: number;
  columns?: string[];
  unreadable?: Array<{ path: string; error: string }>;
  unreadableCount?: number;
  cancelled?: boolean;
  seconds?: number;
  /** Epoch ms of the event. */
  at: number;
}

/** A run that used a dataset version, and the models it logged. */
export interface DatasetRunUse {
  runId: string;
  runName: string;
  experiment: string;
  startedAt: number;
  context?: string;
  /** Names of the run's artifacts of type `model`. */
  models: string[];
}

/** One version of a dataset: its content hash (or, remote, its URI; unknown when not hashed). */
export interface DatasetVersion {
  /** The sha256, the URI of remote data, or '' when unknown (partial, missing). */
  version: string;
  sha256?: string;
  status: DatasetStatus;
  size?: number;
  files?: number;
  rows?: number;
  columns?: string[];
  format?: string;
  sources: string[];
  /** Newest first. */
  runs: DatasetRunUse[];
}

/** Every version of one dataset name, newest use first. */
export interface DatasetGroup {
  name: string;
  versions: DatasetVersion[];
}

export interface Lineage {
  user?: string;
  host?: string;
  pid?: number;
  argv?: string[];
  script?: string;
  cwd?: string;
  python?: string;
  platform?: string;
  git?: GitLineage;
  notebook?: { path?: string; session?: string };
  packages?: Record<string, string>;
  sources?: CapturedSource[];
}

export interface Artifact {
  name: string;
  path: string;
  type: string;
  size: number;
  sha256: string;
  files?: number;
  copied?: boolean;
  metadata?: Record<string, ParamValue>;
}

/** A notebook cell that logged to a run (matched by execution count and source hash). */
export interface CellLink {
  runId: string;
  notebook: string;
  exec: number | null;
  hash: string;
  /** Latest value of each metric this cell logged. */
  latest: Record<string, number>;
  lastStep: number;
}

export interface PushRecord {
  runId: string;
  artifact: string;
  registry: string;
  reference: string;
  digest?: string;
  version?: string;
  user?: string;
  at: number;
}

export interface RunDetail extends RunRow {
  lineage: Lineage;
  summary: Record<string, ParamValue>;
  artifacts: Artifact[];
  /** Datasets the run used, in the order first recorded (the index always sets it; absent in hand-made details). */
  inputs?: DatasetUse[];
  pushes: PushRecord[];
  /** Folder of the run (…/.trialbook/runs/<id>). */
  dir: string;
  sdk?: { name?: string; version?: string };
  group?: string;
  rank?: number;
  /** Messages of the run's `warning` events (at most 100). */
  warnings?: string[];
  /** The `error` of the run's `run_end`, when it failed. */
  error?: string;
}

export type XAxis = 'step' | 'relative' | 'wall';

export interface SeriesRequest {
  runIds: string[];
  keys: string[];
  xAxis: XAxis;
  /** Points per line after downsampling (extremes kept, deterministic). */
  maxPoints: number;
}

export interface SeriesLine {
  runId: string;
  key: string;
  /** x per point: step, seconds since run start, or epoch milliseconds. */
  x: number[];
  /** y per point; NaN and ±Infinity are kept as numbers. */
  y: number[];
  /** Points stored before downsampling. */
  totalPoints: number;
}

/** A request for lines as a chart `columns` pixels wide shows them (see downsample.ts `envelope`). */
export interface EnvelopeRequest {
  runIds: string[];
  keys: string[];
  xAxis: XAxis;
  /** Pixel columns across the chart: at most two points per column (three where it holds NaN), plus the ends. */
  columns: number;
  /**
   * Another axis whose envelopes are computed from the same read and kept in the cache (not returned): a panel that
   * sends a chart's lines on both axes pays one query per line, not two.
   */
  alsoXAxis?: XAxis;
}

/**
 * A line as typed arrays, straight from the reader's cache: shared, never copied on the way out, so read it and
 * copy what you keep (the compare panel packs it into its message's one buffer).
 */
export interface TypedSeriesLine {
  runId: string;
  key: string;
  readonly x: Float64Array;
  readonly y: Float64Array;
  /** Points stored before the envelope. */
  totalPoints: number;
}

export interface RunQuery {
  /** Filter expression, see docs/filter-language.md. */
  filter?: string;
  /** Sort key: a column (`name`, `started`, `status`, …) or a metric/param name; prefix `-` for descending. */
  sort?: string;
  experiment?: string;
  limit?: number;
}

export interface IngestProblem {
  runId: string;
  file: string;
  /** 1-based line number in the file; 0 when the whole file cannot be read. */
  line: number;
  reason: string;
}

export interface SyncReport {
  /** Runs added or changed by this sync. */
  changed: string[];
  removed: string[];
  problems: IngestProblem[];
  /** Where the logs were read and parsed (absent when none had changed): the calling thread, or a worker thread. */
  reader?: 'inline' | 'worker';
  /** Something to tell the user once, e.g. a damaged database found since the last sync was moved aside and rebuilt. */
  notice?: string;
}

export interface ParamComparison {
  keys: string[];
  /** runId → key → value (missing when the run has no such param). */
  values: Record<string, Record<string, ParamValue>>;
}

export interface Logger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
}
