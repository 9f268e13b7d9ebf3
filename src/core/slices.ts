// Long work on the extension host's thread, cut into slices: that thread also serves the editor (every extension's
// requests, the webviews' messages), so no task on it should run much longer than a frame.

/** Time a slice may run before the thread is given back. */
export const SLICE_MS = 15;

/** Lets everything queued run (timers, I/O callbacks, messages) before the work goes on. */
export const yieldToHost = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

/** Call `pause()` between steps of a long task: it gives the thread back once a slice ran `sliceMs`. */
export class Slicer {
  private started: number;
  /** Slices given back so far (for the tests). */
  yields = 0;

  constructor(private readonly now: () => number = () => performance.now(), private readonly sliceMs = SLICE_MS) {
    this.started = now();
  }

  async pause(): Promise<void> {
    if (this.now() - this.started <= this.sliceMs) return;
    this.yields++;
    await yieldToHost();
    this.started = this.now();
  }
}
