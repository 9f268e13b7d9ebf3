// When the panel got to each stage of showing a comparison, as epoch milliseconds on the page's body (the
// real-editor benchmark and the UI tests read them): `data-timings` for the latest full render, `data-renders`
// counting every redraw, `data-painted` the epoch time of the frame after the latest one.
import { scriptStarted } from './bootMark';

const marks: Record<string, number> = { pageStart: Math.round(performance.timeOrigin) };
let renders = 0;

/**
 * The page's own load, from the browser's resource timing: when the bundle had arrived (`scriptFetched`; fetched
 * through VS Code's webview resource loader) and when it began to run (`scriptStarted`; the gap is parse and compile).
 */
function loadMarks(): void {
  const at = (ms: number): number => Math.round(performance.timeOrigin + ms);
  for (const entry of performance.getEntriesByType('resource') as PerformanceResourceTiming[]) {
    if (/compare\.js(\?|$)/.test(entry.name)) {
      marks.scriptRequested = at(entry.startTime);
      marks.scriptFetched = at(entry.responseEnd);
    } else if (/\.css(\?|$)/.test(entry.name)) {
      marks.stylesRequested = at(entry.startTime);
      marks.stylesFetched = at(entry.responseEnd);
    }
  }
  marks.scriptStarted = scriptStarted;
}

/** `linesArrived`: the lines of the charts in view are there (they follow the first message, a chart per message). */
export function mark(stage: 'ready' | 'dataArrived' | 'chartsBuilt' | 'linesArrived'): void {
  if (stage === 'ready' && typeof performance.getEntriesByType === 'function') loadMarks();
  marks[stage] = Date.now();
}

/** Runs `then` after the next frame has been painted (a task queued from the frame's animation callback). */
export function afterNextPaint(then: () => void): void {
  requestAnimationFrame(() => {
    if (typeof MessageChannel !== 'function') {
      setTimeout(then, 0);
      return;
    }
    const channel = new MessageChannel();
    channel.port1.onmessage = () => then();
    channel.port2.postMessage(undefined);
  });
}

/** A redraw happened: counted now, its painted frame stamped when it comes (with the full render's stages). */
export function redrawn(full: boolean): void {
  renders++;
  document.body.dataset.renders = String(renders);
  afterNextPaint(() => {
    const now = Date.now();
    if (full) {
      marks.painted = now;
      document.body.dataset.timings = JSON.stringify(marks);
    }
    document.body.dataset.painted = String(now);
  });
}
