// What every source reader (MLflow FileStore / SQLite, TensorBoard, W&B) hands to the mirror: runs in one shape,
// read incrementally. A reader never writes into the source; what it remembers between reads is a cursor that the
// mirror keeps in Trialbook's own folder.
import type { ParamValue } from '../model';

// 'mlflow-server' is a remote tracking server (src/core/remote/*): mirrored like the others, listed page by page.
export type SourceKind = 'mlflow' | 'mlflow-sqlite' | 'tensorboard' | 'wandb' | 'mlflow-server';

/** The `sdk.version` of an imported run's `run_start`: the index tells imported runs by it (their status is their source's). */
export const IMPORTED_SDK_VERSION = 'imported';

export const SOURCE_KINDS: readonly SourceKind[] = ['mlflow', 'mlflow-sqlite', 'tensorboard', 'wandb'];

/** Human name of each kind, for logs and pickers. */
export const SOURCE_KIND_NAMES: Readonly<Record<SourceKind, string>> = {
  mlflow: 'MLflow FileStore',
  'mlflow-sqlite': 'MLflow SQLite store',
  tensorboard: 'TensorBoard logdir',
  wandb: 'W&B offline runs',
  'mlflow-server': 'MLflow server',
};

/** A run's metadata as the source has it now (read whole each time it changes; it is small). */
export interface SourceRunMeta {
  experiment: string;
  name: string;
  status: 'running' | 'finished' | 'failed' | 'killed';
  /** Epoch milliseconds. */
  startedAt: number;
  endedAt?: number;
  user?: string;
  host?: string;
  script?: string;
  notes: string;
  /** The source's tags as `key` → value (MLflow; its `mlflow.*` system tags included) or plain labels (value ''). */
  tags: Map<string, string>;
  params: Map<string, ParamValue>;
  summary: Map<string, ParamValue>;
  /** The source id of the parent run (MLflow nested runs). */
  parent?: string;
  /** Files the run logged, relative to its artifact folder. */
  artifacts: { path: string; size: number }[];
}

/** Points of one metric read in one go, in the order the source holds them. */
export interface SourceSeries {
  steps: number[];
  /** Epoch milliseconds. */
  times: number[];
  values: number[];
}

/** A value that is not a scalar (image, histogram, text, table, hparams…): listed and counted, not dropped. */
export interface RichValue {
  kind: 'image' | 'histogram' | 'text' | 'table' | 'hparams' | 'other';
  tag: string;
  step: number;
  /** Epoch milliseconds (0 when unknown). */
  timeMs: number;
  /** A few words on it: `32×16 png`, `30 buckets`, the text's first characters… */
  detail: string;
  /** What the source holds for it, decoded (the media issue will draw these; tests compare them now). */
  data?: RichData;
}

export type RichData =
  | { kind: 'histogram'; min: number; max: number; num: number; sum: number; sumSquares: number; limits: number[]; counts: number[] }
  /** `encoded`: the image's bytes when the source holds them inline (TensorBoard); `file`: where the source keeps it. */
  | { kind: 'image'; width: number; height: number; format: string; bytes: number; encoded?: Uint8Array; file?: string; caption?: string }
  | { kind: 'text'; text: string }
  | { kind: 'hparams'; json: unknown }
  | { kind: 'json'; json: unknown };

/** Something a source holds that could not be used, with where it is. */
export interface SourceProblem {
  file: string;
  /** Byte offset (binary files) or 1-based line (text files); absent when the whole file is meant. */
  offset?: number;
  line?: number;
  reason: string;
}

/** What one read of a run found since the previous one. */
export interface RunDelta {
  /** The run's identity in its source: an MLflow run id, a TensorBoard run path, a W&B run id. */
  sourceId: string;
  /** Set on the first read and whenever the metadata changed. */
  meta?: SourceRunMeta;
  /** Points appended since the previous read, by metric name. */
  series: Map<string, SourceSeries>;
  rich: RichValue[];
  problems: SourceProblem[];
  /** Opaque to the mirror: what the reader needs to continue where it stopped (plain JSON). */
  cursor: unknown;
}

export function emptySeries(): SourceSeries {
  return { steps: [], times: [], values: [] };
}

/** The series of `key` in a delta, created on first use. */
export function seriesOf(delta: { series: Map<string, SourceSeries> }, key: string): SourceSeries {
  let s = delta.series.get(key);
  if (!s) { s = emptySeries(); delta.series.set(key, s); }
  return s;
}
