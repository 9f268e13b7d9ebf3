// The charts whose lines are still on their way (the host sends them a chart per message after the runs, params and
// summaries), marked loading, and the moment a full render counts as shown: the frame painted once no chart in view
// waits any more (`drawn`, the timings' `painted`).
import { mark, redrawn } from './paintMarks';

export class PendingCharts {
  /** Set by a full render until its charts in view have their lines. */
  private awaiting = false;

  /** `shown`: called once a full render's charts in view have their lines. */
  constructor(private readonly box: HTMLElement, private readonly shown: () => void = () => undefined) {}

  /** Marks the cards of `metrics` as loading, and clears the mark of the others. */
  mark(metrics: ReadonlySet<string>): void {
    for (const card of this.box.querySelectorAll<HTMLElement>('.chart-card')) {
      card.classList.toggle('loading', metrics.has(card.dataset.metric ?? ''));
    }
  }

  /** A full render: shown now if no chart in view waits, else once the last one has its lines (`check`). */
  expect(): void {
    this.awaiting = true;
    this.check();
  }

  /** Whether a full render waits for the lines of a chart in view. */
  get waiting(): boolean {
    return this.awaiting;
  }

  /** Stamps the comparison drawn once no chart in view waits for its lines; else counts a redraw. */
  check(): void {
    const waiting = this.awaiting && [...this.box.querySelectorAll<HTMLElement>('.chart-card.loading')].some((card) => {
      const r = card.getBoundingClientRect();
      return r.bottom >= 0 && r.top <= window.innerHeight;
    });
    if (!this.awaiting || waiting) {
      redrawn(false);
      return;
    }
    this.awaiting = false;
    mark('linesArrived');
    document.body.dataset.drawn = String(Date.now());
    redrawn(true);
    this.shown();
  }
}
