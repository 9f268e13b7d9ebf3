// Turns a fresh CompareData for live runs into the smallest update for the webview (no vscode import).
import type { CompareData, CompareLine, LineChange } from '../../../shared/webviews/compare/contract';
import { sameWireNumber } from '../../../shared/webviews/wireValue';

const key = (line: { runId: string; metric: string }): string => `${line.runId}\u0000${line.metric}`;

/**
 * Compares the lines already sent with fresh ones: a line that was sent whole (not downsampled) and is
 * still whole gets only its new points; any other changed line is replaced. Unchanged lines are skipped.
 */
export function lineChanges(sent: readonly CompareLine[], fresh: readonly CompareLine[]): LineChange[] {
  const before = new Map(sent.map((l) => [key(l), l]));
  const changes: LineChange[] = [];
  for (const line of fresh) {
    const old = before.get(key(line));
    // Same logged points sampled to the same count: the same line (a new cap changes the count).
    if (old && old.totalPoints === line.totalPoints && old.points.length === line.points.length) continue;
    const oldWhole = old !== undefined && old.points.length / 2 === old.totalPoints;
    const newWhole = line.points.length / 2 === line.totalPoints;
    const prefixSame = oldWhole && old.points.every((v, i) => {
      const now = line.points[i];
      return now !== undefined && sameWireNumber(v, now);
    });
    if (old && oldWhole && newWhole && prefixSame) {
      changes.push({ runId: line.runId, metric: line.metric, mode: 'append', points: line.points.slice(old.points.length), totalPoints: line.totalPoints });
    } else {
      changes.push({ runId: line.runId, metric: line.metric, mode: 'replace', points: line.points, totalPoints: line.totalPoints });
    }
  }
  return changes;
}

/** Whether the fresh data can be sent as an update: same runs, same charted metrics and axis. */
export function canUpdate(sent: CompareData, fresh: CompareData): boolean {
  return sent.xAxis === fresh.xAxis
    && sent.runs.length === fresh.runs.length && sent.runs.every((r, i) => r.id === fresh.runs[i]?.id)
    && sent.selectedMetrics.length === fresh.selectedMetrics.length && sent.selectedMetrics.every((m, i) => m === fresh.selectedMetrics[i]);
}
