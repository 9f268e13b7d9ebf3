// The chart width and the count of charts in view that comparison pages last reported, kept in the workspace's state:
// a new panel is built and posted while VS Code starts its page only when the host knows the width (the points per
// line depend on it), so without it the first Compare of every window waited for its page to say ready.
import type * as vscode from 'vscode';

export interface CompareLayout {
  chartPixelWidth?: number;
  chartsInView?: number;
}

const KEY = 'trialbook.compareLayout';

/**
 * How many charts the next comparison will have on screen, from a page's report of `shown` of its `charted` charts
 * after its layout (under the toolbar and legend: fewer than its ready message guessed). A screen with charts left
 * below it is full: that count is what fits; one showing every chart holds at least that many.
 */
export function chartsThatFit(shown: number, charted: number | undefined, before: number | undefined): number | undefined {
  if (shown <= 0) return before;
  return charted !== undefined && shown < charted ? shown : Math.max(shown, before ?? 0);
}

/** A whole count of pixels or charts that could be on a screen; anything else (an older or damaged state) is dropped. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isInteger(value) && value > 0 && value < 100_000 ? value : undefined;
}

/** Reads the layout kept in `memento`, and writes it back whenever a page reports another. */
export class RememberedLayout implements CompareLayout {
  private width: number | undefined;
  private inView: number | undefined;

  constructor(private readonly memento: Pick<vscode.Memento, 'get' | 'update'>) {
    const saved = memento.get<unknown>(KEY);
    if (typeof saved === 'object' && saved !== null) {
      this.width = count((saved as Record<string, unknown>).chartPixelWidth);
      this.inView = count((saved as Record<string, unknown>).chartsInView);
    }
  }

  get chartPixelWidth(): number | undefined {
    return this.width;
  }

  set chartPixelWidth(width: number | undefined) {
    if (width === this.width) return;
    this.width = width;
    this.save();
  }

  get chartsInView(): number | undefined {
    return this.inView;
  }

  set chartsInView(charts: number | undefined) {
    if (charts === this.inView) return;
    this.inView = charts;
    this.save();
  }

  private save(): void {
    void Promise.resolve(this.memento.update(KEY, { chartPixelWidth: this.width, chartsInView: this.inView })).catch(() => undefined);
  }
}
