// Which chart's lines the compare host posts next after a comparison's first message (which carries none): a chart
// per message, chosen again before each one, since the page says which charts are on screen once it has laid the
// comparison out (until then the host goes by its estimate of how many fit).
import type { XAxisKind } from '../../../shared/webviews/compare/contract';

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
