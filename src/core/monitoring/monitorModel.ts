// What a monitoring run holds once read (docs/event-format.md, "Profiles and monitoring runs"). Names from the
// run (features, metrics, categories) stay in arrays and Maps, never as keys of plain objects.

export type MonitorLevel = 'ok' | 'warning' | 'alert';

export interface MonitorFinding {
  level: 'warning' | 'alert';
  kind: string;
  /** The feature or metric the finding is about. */
  subject: string;
  statistic: string;
  value: number | null;
  threshold: number | null;
  baseline?: number | null;
  observed?: number | null;
}

export interface MonitorFeature {
  name: string;
  type: 'numeric' | 'categorical';
  count: number;
  missingRate: number | null;
  missingChange: number | null;
  psi?: number | null;
  ks?: number | null;
  js?: number | null;
  mean?: number | null;
  status: MonitorLevel;
  histCounts?: number[];
  topCounts?: number[];
  other?: number;
  unseenCategories?: Array<[string, number]>;
}

export interface MonitorBatch {
  index: number;
  /** The event's line in the run's log (1-based): where the evidence is. */
  line: number;
  /** Seconds since the epoch. */
  timestamp: number;
  rows: number;
  reliable: boolean;
  status: MonitorLevel;
  outOfOrder: boolean;
  metrics: Array<[string, number | null]>;
  alerts: MonitorFinding[];
  features: MonitorFeature[];
  missingColumns: string[];
  extraColumns: string[];
  notes: string[];
}

export interface ReferenceColumn {
  name: string;
  type: 'numeric' | 'categorical';
  count: number;
  missingRate: number;
  mean?: number;
  std?: number;
  histEdges?: number[];
  histCounts?: number[];
  top?: Array<[string, number]>;
  other?: number;
}

export interface MonitoringRun {
  runId: string;
  model: string;
  version: string;
  trainingRun?: string;
  /** The run's start (seconds since the epoch). */
  startedAt: number;
  ended: boolean;
  baseline: Array<[string, number]>;
  /** The thresholds in force, as the run recorded them (shown, not interpreted). */
  thresholds: unknown;
  /** The reference profile's columns; undefined when the run had none (performance only). */
  reference?: ReferenceColumn[];
  /** Why the reference could not be read, when the run says it had one. */
  referenceProblem?: string;
  /** Batches in time order (out-of-order arrivals sorted in). */
  batches: MonitorBatch[];
  /** The run's own warnings (e.g. no reference profile). */
  warnings: string[];
  /** Lines of the log that could not be used, in words. */
  problems: string[];
}
