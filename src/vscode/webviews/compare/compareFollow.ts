// What follows a comparison's first message (which carries no lines): the lines of the charts in view, a chart per
// message, each chosen before it is read (the page says which charts are on screen once it has laid the comparison
// out; until then the host goes by its estimate of how many fit), then their lines on the other x axis. The charts
// below the fold are sent only when the page asks, as each nears the screen (`wantLines`, compareLinePulls.ts).
import type { RunIndex } from '../../../core/runIndex';
import type { CompareData, CompareLine } from '../../../shared/webviews/compare/contract';
import { otherAxis, type LineAxis } from '../../../shared/webviews/compare/lineAxes';
import { chartOrder, compareLinesInSlices, warmSeries } from './compareData';
import type { CompareLinesPosted } from './compareLinesPosted';


export interface FollowPlan {
  /** The axis the comparison shows, and the one whose lines the page keeps for a switch (none: x by a metric). */
  readonly shown: LineAxis;
  readonly other: LineAxis | undefined;
  /** The charts whose lines on the shown axis the page still waits for, in its order. */
  readonly pending: readonly string[];
  /** The charts in view: as the page reported them, else the first of its order that fit by the host's estimate. */
  readonly inView: readonly string[];
}

/**
 * The next `lines` message: the shown axis' lines of the charts in view (the comparison is painted once they came),
 * then their lines on the other axis (an x-axis switch right after the open is drawn from them). Undefined once
 * those are all posted or being read (`taken`): the charts below the fold wait for the page to ask. At 100 runs × 10
 * charts they were ~7 MB more after each open, crossing the editor's one browser thread while the user worked.
 */
export function nextLines(plan: FollowPlan, taken: (xAxis: LineAxis, metric: string) => boolean): { xAxis: LineAxis; metric: string } | undefined {
  const inView = plan.pending.find((metric) => plan.inView.includes(metric) && !taken(plan.shown, metric));
  if (inView !== undefined) return { xAxis: plan.shown, metric: inView };
  const other = plan.other;
  const switchTo = other === undefined ? undefined : plan.inView.find((metric) => !taken(other, metric));
  return other !== undefined && switchTo !== undefined ? { xAxis: other, metric: switchTo } : undefined;
}

/**
 * Reads `metric`'s lines on `xAxis` and hands them to `post` (which posts them with `posted.postLines`), unless they
 * were posted or another reader has them (the follow, a page's ask, a switch): each chart goes once. Whether posted.
 */
export async function postClaimed(index: RunIndex, runIds: readonly string[], metric: string, xAxis: LineAxis, maxPoints: number,
  posted: CompareLinesPosted, stale: () => boolean, post: (lines: CompareLine[]) => void): Promise<boolean> {
  if (stale() || !posted.claim(xAxis, metric)) return false;
  try {
    const lines = await compareLinesInSlices(index, runIds, [metric], xAxis, maxPoints);
    if (stale()) return false;
    post(lines);
    return true;
  } finally {
    posted.release(xAxis, metric);
  }
}

/** What postFollowing needs of the panel. */
export interface FollowTarget {
  readonly posted: CompareLinesPosted;
  /** Whether a newer request or a closed page ended this one. */
  stale(): boolean;
  /** The charts on screen as the page reported them, if it did. */
  onScreen(): readonly string[] | undefined;
  /** How many charts the host guesses are in view (from the page's ready). */
  chartsInView(): number | undefined;
  /** Lines of the shown axis on their way to the page: it holds them now. */
  holding(metric: string, lines: CompareLine[]): void;
}

/**
 * Posts the lines of `data`'s charts in view not sent yet and then their lines on the other axis, in nextLines'
 * order, each chart read, packed and posted in tasks of its own (a message of one chart at 100 runs is about 1 MB:
 * VS Code serializes and copies it on the host's thread), until done or stale. They go one after another without
 * waiting for each to be delivered: a delivery is a round trip through the editor (100 ms and more while it draws),
 * and a chart in view, or an x-axis switch right after the open, waited for each one before it.
 */
export async function postFollowing(index: RunIndex, data: CompareData, maxPoints: number, target: FollowTarget): Promise<void> {
  const xAxis = data.xAxis;
  if (xAxis === 'metric') return;
  const pending = data.pendingMetrics ?? [];
  const ids = data.runs.map((r) => r.id);
  // Until the page reports its screen: the first of its order (those posted ahead while it loaded are not pending).
  const order = chartOrder(data.metrics, data.selectedMetrics);
  const estimate = order.slice(0, Math.max(1, target.chartsInView() ?? 1));
  const inView = (): readonly string[] => {
    const reported = target.onScreen()?.filter((m) => order.includes(m));
    return reported?.length ? reported : estimate;
  };
  const other = ids.length === 0 ? undefined : otherAxis(xAxis);
  const deliveries: Array<Promise<void>> = [];
  for (;;) {
    const next = nextLines({ shown: xAxis, other, pending, inView: inView() }, (axis, metric) => target.posted.taken(axis, metric));
    if (!next || target.stale()) break;
    await postClaimed(index, ids, next.metric, next.xAxis, maxPoints, target.posted, target.stale, (lines) => {
      if (next.xAxis === xAxis) {
        target.posted.shown(lines);
        target.holding(next.metric, lines);
      }
      deliveries.push(target.posted.postLines(next.metric, lines, next.xAxis));
    });
  }
  await Promise.all(deliveries);
}

/** Whether a chart in view (as the page reported, else by the host's estimate) still waits for its lines. */
export function inViewPending(data: CompareData, onScreen: readonly string[] | undefined, chartsInView: number | undefined): boolean {
  const pending = data.pendingMetrics ?? [];
  if (pending.length === 0) return false;
  const inView = onScreen ?? chartOrder(data.metrics, data.selectedMetrics).slice(0, Math.max(1, chartsInView ?? 1));
  return pending.some((m) => inView.includes(m));
}

/** The charts not posted (below the fold) read into the index's cache, both axes in one read, until stale. */
export async function warmBelowFold(index: RunIndex, data: CompareData, maxPoints: number, posted: CompareLinesPosted, stale: () => boolean): Promise<void> {
  if (data.xAxis === 'metric') return;
  const rest = chartOrder(data.metrics, data.selectedMetrics).filter((m) => !posted.taken(data.xAxis, m));
  await warmSeries(index, data.runs.map((r) => r.id), rest, data.xAxis, maxPoints, stale);
}

/**
 * The page switched to `xAxis` from the lines it holds and lacks those of `pending`, the charts on screen (in the
 * order it wants them): those not sent meanwhile nor being read are posted, a chart per message, each once the one
 * before was delivered. The page asks for the others as they near the screen.
 */
export async function postLacking(index: RunIndex, runIds: readonly string[], pending: readonly string[], xAxis: LineAxis,
  maxPoints: number, posted: CompareLinesPosted, stale: () => boolean): Promise<void> {
  for (const metric of pending) {
    let delivery: Promise<void> | undefined;
    await postClaimed(index, runIds, metric, xAxis, maxPoints, posted, stale, (lines) => { delivery = posted.postLines(metric, lines, xAxis); });
    await delivery;
    if (stale()) return;
  }
}
