// What the compare page and its bands worker (webview/bandsWorker) say to each other: one chart's groups to
// aggregate, and the bands back. Typed arrays are copied into the worker (the page keeps its lines) and the bands
// are handed back without a copy.
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
