// A redraw of every chart cut into one task per chart: dragging the smoothing slider over six charts of 100 runs
// blocks the page for one chart's redraw at a time, not six. A newer redraw (the slider moved on) supersedes the
// one under way: its remaining charts are drawn by the newer one, with the latest value, and never with a stale one.

function nextTask(run: () => void): void {
  if (typeof MessageChannel !== 'function') {
    setTimeout(run, 0);
    return;
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => run();
  channel.port2.postMessage(undefined);
}

export class SlicedRedraw {
  private generation = 0;

  /** Draws the first item now and each next one in a task of its own; `done` hears the script time they took. */
  run<T>(items: readonly T[], draw: (item: T) => void, done: (ms: number) => void): void {
    const generation = ++this.generation;
    let next = 0;
    let spent = 0;
    const step = (): void => {
      if (generation !== this.generation) return;
      const started = performance.now();
      const item = items[next++];
      if (item !== undefined) draw(item);
      spent += performance.now() - started;
      if (next < items.length) nextTask(step);
      else done(spent);
    };
    step();
  }
}
