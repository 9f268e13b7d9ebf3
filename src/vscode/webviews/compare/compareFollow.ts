// What follows a comparison's first message (which carries no lines): its charts' lines, a chart per message, each
// chosen before it is read (the page says which charts are on screen once it has laid the comparison out; until
// then the host goes by its estimate of how many fit), then the other x axis' lines of the rest.
import type { RunIndex } from '../../../core/runIndex';
import type { CompareData, XAxisKind } from '../../../shared/webviews/compare/contract';
import { chartOrder, otherAxis, postPendingLines, withLines } from './compareData';
import type { CompareLinesPosted } from './compareLinesPosted';

type LineAxis = Exclude<XAxisKind, 'metric'>;

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
 * then their lines on the other axis (an x-axis switch right after the open is drawn from them: each message that
 * went before them made such a switch wait one message longer), then the shown axis' lines of the other charts.
 * Undefined once those are all posted (`posted` says what went since the first message); the other axis' lines of
 * the charts below the fold follow later, after the media.
 */
export function nextLines(plan: FollowPlan, posted: (xAxis: LineAxis, metric: string) => boolean): { xAxis: LineAxis; metric: string } | undefined {
  const waiting = plan.pending.filter((metric) => !posted(plan.shown, metric));
  const inView = waiting.find((metric) => plan.inView.includes(metric));
  if (inView !== undefined) return { xAxis: plan.shown, metric: inView };
  const other = plan.other;
  const switchTo = other === undefined ? undefined : plan.inView.find((metric) => !posted(other, metric));
  if (other !== undefined && switchTo !== undefined) return { xAxis: other, metric: switchTo };
  return waiting.length ? { xAxis: plan.shown, metric: waiting[0] as string } : undefined;
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
  /** `data` with the lines of the shown axis posted so far: what the page holds. */
  holding(data: CompareData): void;
}

/**
 * Posts the lines of `data`'s charts not sent yet (`pendingMetrics`) and the other axis' lines of the charts in view,
 * in nextLines' order, each chart read, packed and posted in tasks of its own (a message of one chart at 100 runs is
 * about 1 MB: VS Code serializes and copies it on the host's thread), until done or stale. The charts in view (on both
 * axes) go one after another without waiting for each to be delivered: a delivery is a round trip through the editor
 * (100 ms and more while it draws), and a chart in view, or an x-axis switch right after the open, waited for each one
 * before it. The charts below the fold go once the previous message was delivered, so that whatever the page asks
 * next (another axis, other runs) does not queue behind megabytes of them.
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
  const inFlight: Array<Promise<void>> = [];
  let shown = data;
  for (;;) {
    const screen = inView();
    const next = nextLines({ shown: xAxis, other, pending, inView: screen }, (axis, metric) => target.posted.has(axis, metric));
    const pipelined = next !== undefined && screen.includes(next.metric);
    if (!pipelined && inFlight.length) {
      await Promise.all(inFlight.splice(0));
      if (target.stale()) return;
      continue;
    }
    if (!next) return;
    await postPendingLines(index, ids, [next.metric], next.xAxis, maxPoints, (metric, lines) => {
      let posting: Promise<void>;
      if (next.xAxis !== xAxis) {
        posting = target.posted.postLines(metric, lines, next.xAxis);
      } else {
        target.posted.shown(lines);
        shown = withLines(shown, [metric], lines);
        target.holding(shown);
        posting = target.posted.postLines(metric, lines, xAxis);
      }
      if (!pipelined) return posting;
      inFlight.push(posting);
      return Promise.resolve();
    }, target.stale);
    if (target.stale()) return;
  }
}

/**
 * Steps and time are the axes users switch between: the other one's lines of the charts not sent on it yet follow, a
 * chart at a time in the page's order; the page keeps them and switches with no round trip (`setView` with `held`).
 */
export async function postOtherAxis(index: RunIndex, data: CompareData, maxPoints: number, posted: CompareLinesPosted, stale: () => boolean): Promise<void> {
  const other = otherAxis(data.xAxis);
  if (!other || data.runs.length === 0) return;
  const rest = chartOrder(data.metrics, data.selectedMetrics).filter((m) => !posted.has(other, m));
  await postPendingLines(index, data.runs.map((r) => r.id), rest, other, maxPoints, (metric, lines) => posted.postLines(metric, lines, other), stale);
}

/**
 * The page switched to `xAxis` from the lines it holds and lacks those of `pending` (in the order it wants them): the
 * charts it was not sent meanwhile (the other axis' lines, going out when it switched) are posted, a chart per message.
 */
export async function postLacking(index: RunIndex, runIds: readonly string[], pending: readonly string[], xAxis: Exclude<XAxisKind, 'metric'>,
  maxPoints: number, posted: CompareLinesPosted, stale: () => boolean): Promise<void> {
  const lacking = pending.filter((metric) => !posted.has(xAxis, metric));
  await postPendingLines(index, runIds, lacking, xAxis, maxPoints, (metric, lines) => posted.postLines(metric, lines, xAxis), stale);
}
