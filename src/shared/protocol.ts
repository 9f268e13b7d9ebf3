// The typed message contract between the extension host and the comparison webview.
// Both sides import only this file; the webview never sees src/core.

export type XAxisKind = 'step' | 'relative' | 'wall';

export type CellValue = string | number | boolean | null;

export interface CompareRun {
  id: string;
  name: string;
  experiment: string;
  status: string;
  /** CSS colour, stable per run across charts and sessions. */
  color: string;
}

export interface CompareLine {
  runId: string;
  metric: string;
  /** Flat [x0, y0, x1, y1, …]; non-finite y values are sent as null. */
  points: Array<number | null>;
  totalPoints: number;
}

export interface MetricStats {
  last: number | null;
  min: number | null;
  max: number | null;
}

export interface CompareData {
  runs: CompareRun[];
  /** Every metric any compared run logged, sorted. */
  metrics: string[];
  /** Metrics drawn as charts. */
  selectedMetrics: string[];
  xAxis: XAxisKind;
  lines: CompareLine[];
  /** Param name → runId → value (already rendered as plain values). */
  params: Record<string, Record<string, CellValue>>;
  /** Metric → runId → stats. */
  summaries: Record<string, Record<string, MetricStats>>;
}

/** UI choices the webview keeps with setState and reports to the host. */
export interface CompareViewState {
  runIds: string[];
  selectedMetrics: string[];
  xAxis: XAxisKind;
  smoothing: number;
  logScale: boolean;
  onlyDifferentParams: boolean;
}

/** New points of one line while its run is live: appended when the line is still below the cap, else the line anew. */
export interface LineChange {
  runId: string;
  metric: string;
  mode: 'append' | 'replace';
  points: Array<number | null>;
  totalPoints: number;
}

export type HostToCompareMessage =
  | { type: 'data'; data: CompareData }
  /** Incremental update for live runs: run statuses, summaries, and only the points that changed. */
  | { type: 'update'; runs: CompareRun[]; metrics: string[]; summaries: CompareData['summaries']; changes: LineChange[] }
  | { type: 'error'; message: string };

export type CompareToHostMessage =
  /** `chartPixelWidth`: device pixels across one chart's plot, so the host sends no more points than it can show. */
  | { type: 'ready'; state?: CompareViewState; chartPixelWidth?: number }
  | { type: 'resize'; chartPixelWidth: number }
  | { type: 'setView'; selectedMetrics: string[]; xAxis: XAxisKind }
  | { type: 'stateChanged'; state: CompareViewState }
  | { type: 'exportCsv' }
  | { type: 'savePng'; dataUrl: string; metric: string }
  | { type: 'drawn'; metric: string; lines: number; ms: number };

const compareToHostTypes = new Set(['ready', 'resize', 'setView', 'stateChanged', 'exportCsv', 'savePng', 'drawn']);

/** Type guard for messages arriving from a webview (untrusted until checked). */
export function isCompareToHostMessage(value: unknown): value is CompareToHostMessage {
  return typeof value === 'object' && value !== null && compareToHostTypes.has((value as { type?: unknown }).type as string);
}
