// The slider's redraw of every chart, cut into one task per chart: dragging the smoothing slider over charts of 100
// runs blocks the page for one chart's redraw at a time, and the browser paints between them. No frame is waited
// for: the first chart is redrawn in the task after the input. Each task brings the chart drawn longest ago up to
// the latest value, so a drag that moves on before every chart caught up still draws each of them in turn (a
// newer value restarting from the first chart left the last ones undrawn for the whole drag). An item's redraw may
// itself come in steps (a chart's lines placed a few at a time): its rest runs a step per task before the next item.

/** What is left of one item's redraw: run in a task of its own, it returns what is left after it, if anything. */
export type RedrawRest = () => RedrawRest | undefined;

function nextTask(run: () => void): void {
  if (typeof MessageChannel !== 'function') {
    setTimeout(run, 0);
    return;
  }
  const channel = new MessageChannel();
  channel.port1.onmessage = () => {
    channel.port1.close();
    run();
  };
  channel.port2.postMessage(undefined);
}

export class SlicedRedraw<T> {
  /** The value asked for last; each item's entry is the value it was last drawn at. */
  private version = 0;
  private readonly drawnAt = new Map<T, number>();
  private items: readonly T[] = [];
  private running = false;
  private spent = 0;
  private longest = 0;
  /** The rest of the item being redrawn (`restOf`), run before another item is started. */
  private rest: RedrawRest | undefined;
  private restOf: T | undefined;

  /**
   * @param draw draws one item with the latest value, or starts to and returns the rest
   * @param done hears the script time the draws took since the items were last all up to date, once they are again,
   * and the longest of their tasks
   */
  constructor(private readonly draw: (item: T) => RedrawRest | undefined, private readonly done: (ms: number, longestTask: number) => void) {}

  /** A new value for `items`: they are redrawn one per task (several requests before the next task: one redraw). */
  request(items: readonly T[]): void {
    this.version++;
    this.items = items;
    for (const item of this.drawnAt.keys()) if (!items.includes(item)) this.drawnAt.delete(item);
    if (this.running) return;
    this.running = true;
    nextTask(() => this.step());
  }

  private step(): void {
    const rest = this.rest;
    this.rest = undefined;
    // The rest of an item no longer asked for (a chart removed) is dropped.
    if (rest && this.restOf !== undefined && this.items.includes(this.restOf)) {
      const started = performance.now();
      this.rest = rest();
      this.spentOn(performance.now() - started);
      nextTask(() => this.step());
      return;
    }
    let next: T | undefined;
    let oldest = this.version;
    for (const item of this.items) {
      const at = this.drawnAt.get(item) ?? -1;
      if (at < oldest) {
        oldest = at;
        next = item;
      }
    }
    if (next === undefined) {
      this.running = false;
      const { spent, longest } = this;
      this.spent = 0;
      this.longest = 0;
      this.done(spent, longest);
      return;
    }
    const started = performance.now();
    this.drawnAt.set(next, this.version);
    this.rest = this.draw(next);
    this.restOf = next;
    this.spentOn(performance.now() - started);
    nextTask(() => this.step());
  }

  private spentOn(ms: number): void {
    this.spent += ms;
    if (ms > this.longest) this.longest = ms;
  }
}
