// Which runs the editor's next sync pass looks at. A pass that lists the runs folder stats every log, edits file and
// sync state file: with a live run beside hundreds of finished ones, that is most of what a pass costs. The index
// already stats every log on its own poll and reports the runs whose log or edits changed; the feed collects those
// reports between passes, so that a pass looks at those runs only, plus the runs whose quiet time is over (a running
// run that now counts as crashed) and the runs the last pass refused. A pass lists every run when there is no report
// to follow (the first one, the index not open yet) and after a pass that stopped early (runs it never reached).
import type { SyncMemo } from './syncMemo';
import type { SyncReport } from './workspaceSync';

export class SyncFeed {
  private readonly dirty = new Set<string>();
  private all = true;
  /** The target (its memo) the reports are being collected for: a pass to another target lists every run. */
  private memo: SyncMemo | undefined;

  /** Runs whose log, edits or folder changed since the last pass (the index's change report). */
  note(runIds: Iterable<string>): void {
    if (this.all) return;
    for (const id of runIds) this.dirty.add(id);
  }

  /** The next pass lists every run: nothing reported what changed (first pass, a report missed, a new target). */
  relist(): void {
    this.all = true;
    this.dirty.clear();
  }

  /**
   * The runs for the next pass, or undefined when it lists every run (also when `memo` is another target's than the
   * last pass's: what was reported changed says nothing of what the new target lacks); the feed starts collecting
   * afresh. Reports that arrive while the pass runs are for the pass after it.
   */
  take(memo: SyncMemo, now: number): string[] | undefined {
    if (this.all || memo !== this.memo) {
      this.all = false;
      this.dirty.clear();
      this.memo = memo;
      return undefined;
    }
    for (const [id, known] of memo.runs) if (now >= known.until) this.dirty.add(id);
    const ids = [...this.dirty];
    this.dirty.clear();
    return ids;
  }

  /** What a pass left undone: refused runs are looked at again; a stopped pass (runs not reached) makes the next list all. */
  after(report: Pick<SyncReport, 'problems' | 'stopped'>): void {
    if (report.stopped) { this.relist(); return; }
    this.note(report.problems.map((p) => p.runId));
  }
}
