// When the panel got to each stage of showing a comparison, as epoch milliseconds on the page's body (the
// real-editor benchmark and the UI tests read them): `data-timings` for the latest full render, `data-renders`
// counting every redraw, `data-painted` the epoch time of the frame after the latest one.
const marks: Record<string, number> = { pageStart: Math.round(performance.timeOrigin) };
let renders = 0;

export function mark(stage: 'ready' | 'dataArrived' | 'chartsBuilt'): void {
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
