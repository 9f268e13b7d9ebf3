// The compare page's worker: groups' bands aggregated off the page's main thread (issue 16: analysis work runs in
// the extension host or off the webview's main thread). Built to dist/webview/bandsWorker.js; the page starts it
// from a blob of that file (a webview may not start a worker from its resource origin).
import { aggregateSeries, type Band } from '../../src/shared/webviews/compare/bands';
import type { BandsJob, BandsResult } from '../compare/bandsJob';

interface WorkerScope {
  onmessage: ((event: MessageEvent<BandsJob>) => void) | null;
  postMessage(message: BandsResult, transfer: Transferable[]): void;
}

const scope = globalThis as unknown as WorkerScope;

scope.onmessage = (event) => {
  const { id, groups, options } = event.data;
  try {
    const bands: Band[] = groups.map((series) => aggregateSeries(series, options));
    scope.postMessage({ id, bands }, bands.flatMap((b) => [b.xs.buffer, b.center.buffer, b.lower.buffer, b.upper.buffer, b.counts.buffer]));
  } catch (err) {
    scope.postMessage({ id, error: err instanceof Error ? err.message : String(err) }, []);
  }
};
