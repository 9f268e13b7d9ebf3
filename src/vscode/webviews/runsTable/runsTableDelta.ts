// What the runs table webview already holds, so updates send only the rows that changed. No editor API: unit-tested
// in plain Node.
import type { HostToRunsTableMessage, TableRow } from '../../../shared/webviews/runsTable/contract';

export class RunsTableDelta {
  /** Row JSON by id, and the id order, as the webview last received them; undefined until a full send. */
  private sent: { filter: string; rows: Map<string, string>; order: string[]; total: number } | undefined;

  /** The webview starts over (first load, reload, shown again): the next message carries every row. */
  reset(): void {
    this.sent = undefined;
  }

  /** The message that brings the webview to `rows`, or undefined when it already shows exactly them. */
  next(rows: TableRow[], filter: string, total: number): Extract<HostToRunsTableMessage, { type: 'rows' | 'rowsDelta' }> | undefined {
    const json = new Map<string, string>();
    for (const r of rows) json.set(r.id, JSON.stringify(r));
    const order = rows.map((r) => r.id);
    const before = this.sent;
    this.sent = { filter, rows: json, order, total };
    if (!before || before.filter !== filter) return { type: 'rows', rows, filter, total };
    const upserts = rows.filter((r) => before.rows.get(r.id) !== json.get(r.id));
    const removed = before.order.filter((id) => !json.has(id));
    const reordered = order.length !== before.order.length || order.some((id, i) => id !== before.order[i]);
    if (upserts.length === 0 && removed.length === 0 && !reordered && total === before.total) return undefined;
    return { type: 'rowsDelta', upserts, removed, ...(reordered ? { order } : {}), filter, total };
  }
}
