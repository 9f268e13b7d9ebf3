// Turns a fresh CompareData for live runs into the smallest update for the webview (no vscode import).
import type { CompareData, CompareLine, LineChange, WireLineChange, XAxisKind } from '../../../shared/webviews/compare/contract';
import { narrowLines } from '../../../shared/webviews/compare/wireLines';

const key = (line: { runId: string; metric: string }): string => `${line.runId}\u0000${line.metric}`;

/** The same values (NaN equals NaN here: both say "the run logged NaN"). */
function samePrefix(old: Float64Array, now: Float64Array): boolean {
  if (now.length < old.length) return false;
  for (let i = 0; i < old.length; i++) {
    const a = old[i] as number;
    const b = now[i] as number;
    if (a !== b && !(a !== a && b !== b)) return false;
  }
  return true;
}

/**
 * Compares the lines already sent with fresh ones: a line that was sent whole (not downsampled) and is
 * still whole gets only its new points; any other changed line is replaced. Unchanged lines are skipped.
 * The changes' points share one buffer, as they cross (`xAxis`: the lines' axis; see narrowLines).
 */
export function lineChanges(sent: readonly CompareLine[], fresh: readonly CompareLine[], xAxis: XAxisKind): WireLineChange[] {
  const before = new Map(sent.map((l) => [key(l), l]));
  const changes: LineChange[] = [];
  for (const line of fresh) {
    const old = before.get(key(line));
    // Same logged points sampled to the same count: the same line (a new cap changes the count).
    if (old && old.totalPoints === line.totalPoints && old.xs.length === line.xs.length) continue;
    const oldWhole = old !== undefined && old.xs.length === old.totalPoints;
    const newWhole = line.xs.length === line.totalPoints;
    if (old && oldWhole && newWhole && samePrefix(old.xs, line.xs) && samePrefix(old.ys, line.ys)) {
      const from = old.xs.length;
      changes.push({ runId: line.runId, metric: line.metric, mode: 'append', xs: line.xs.subarray(from), ys: line.ys.subarray(from), totalPoints: line.totalPoints });
    } else {
      changes.push({ runId: line.runId, metric: line.metric, mode: 'replace', xs: line.xs, ys: line.ys, totalPoints: line.totalPoints });
    }
  }
  return narrowLines(changes, xAxis);
}

/** Whether the fresh data can be sent as an update: same runs, same charted metrics and axis. */
export function canUpdate(sent: CompareData, fresh: CompareData): boolean {
  return sent.xAxis === fresh.xAxis
    && sent.runs.length === fresh.runs.length && sent.runs.every((r, i) => r.id === fresh.runs[i]?.id)
    && sent.selectedMetrics.length === fresh.selectedMetrics.length && sent.selectedMetrics.every((m, i) => m === fresh.selectedMetrics[i]);
}
