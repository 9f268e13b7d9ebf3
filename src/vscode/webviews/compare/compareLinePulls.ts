// The lines the page asks for as charts near its screen (`wantLines`): the host sends the charts in view unasked and
// the others only on request, so that a comparison of many charts sends what is looked at (at 100 runs × 10 charts,
// 1.7 MB of lines after an open rather than 8.6 MB, all crossing the editor's one browser thread).
import type { RunIndex } from '../../../core/runIndex';
import { errorMessage } from '../../../shared/errorMessage';
import type { CompareData, CompareLine } from '../../../shared/webviews/compare/contract';
import { postClaimed } from './compareFollow';
import type { CompareLinesPosted } from './compareLinesPosted';
import type { LineAxis } from '../../../shared/webviews/compare/lineAxes';


/** What the pulls need of the panel. */
export interface PullTarget {
  readonly posted: CompareLinesPosted;
  /** The comparison the page holds (runs, charted metrics, shown axis), if it was sent one. */
  shown(): CompareData | undefined;
  /** Whether the page is there to post to. */
  ready(): boolean;
  /** Points per line for the page's chart width. */
  maxPoints(): number;
  index(): Promise<RunIndex>;
  /** Lines of the shown axis on their way to the page: it holds them now. */
  holding(metric: string, lines: CompareLine[]): void;
  warn(message: string): void;
}

interface Pull {
  readonly xAxis: LineAxis;
  readonly metric: string;
  /** The page's start it was asked in (CompareLinesPosted.generation): a fresh start voids it. */
  readonly generation: number;
}

export class CompareLinePulls {
  private readonly queue: Pull[] = [];
  private draining = false;

  constructor(private readonly target: PullTarget) {}

  /** The page asked for `metrics`' lines on `xAxis`: queued, served a chart per message in the order asked. */
  want(xAxis: LineAxis, metrics: readonly string[]): void {
    const generation = this.target.posted.generation;
    for (const metric of metrics) this.queue.push({ xAxis, metric, generation });
    if (!this.draining) void this.drain();
  }

  /** Whether nothing asked for is still to send. */
  get idle(): boolean {
    return !this.draining && this.queue.length === 0;
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      for (let pull = this.queue.shift(); pull; pull = this.queue.shift()) await this.serve(pull);
    } catch (err) {
      this.target.warn(`Compare: sending the lines the page asked for failed: ${errorMessage(err)}`);
      this.queue.length = 0;
    } finally {
      this.draining = false;
    }
  }

  /** Read and posted, each once the one before was delivered (what the page asks next does not queue behind them). */
  private async serve(pull: Pull): Promise<void> {
    const { posted } = this.target;
    const shown = this.target.shown();
    // Only the charts of the comparison the page holds; by a metric the first message carries every line.
    if (!shown || shown.xAxis === 'metric' || !shown.selectedMetrics.includes(pull.metric)) return;
    const stale = (): boolean => pull.generation !== posted.generation || !this.target.ready();
    const index = await this.target.index();
    let delivery: Promise<void> | undefined;
    await postClaimed(index, shown.runs.map((r) => r.id), pull.metric, pull.xAxis, this.target.maxPoints(), posted, stale, (lines) => {
      // The axis shown now: the page may have switched while they were read (its comparison is then on that axis).
      if (pull.xAxis === this.target.shown()?.xAxis) {
        posted.shown(lines);
        this.target.holding(pull.metric, lines);
      }
      delivery = posted.postLines(pull.metric, lines, pull.xAxis);
    });
    await delivery;
  }
}
