// What the compare page and its bands worker (webview/bandsWorker) say to each other: one chart's groups to
// aggregate, and the bands back. The page hands over copies of its lines' points (it keeps its own) and the worker
// hands the bands back; neither message copies on the way.
import type { AggregateOptions, Band, Series } from '../../src/shared/webviews/compare/bands';

export interface BandsJob {
  id: number;
  /** Each group's member series. */
  groups: Series[][];
  options: AggregateOptions;
}

export interface BandsResult {
  id: number;
  bands?: Band[];
  error?: string;
}
