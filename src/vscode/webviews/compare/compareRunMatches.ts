// The compare panel's run picker, host side: the index's own filter language and query code decide which runs match
// (the page never parses a filter), and which of the runs the page sets exist.
import type { RunIndex } from '../../../core/runIndex';
import { errorMessage } from '../../../shared/errorMessage';
import type { HostToCompareMessage } from '../../../shared/webviews/compare/contract';

/** Matches the run picker lists; the rest are counted (narrow the filter to see them). */
const RUN_MATCH_LIMIT = 200;

export interface RunMatchesInfo { filter: string; runIds: string[]; total: number; error?: string }

export class CompareRunMatches {
  /** The last answer, for the tests. */
  private last: RunMatchesInfo | undefined;

  constructor(private readonly index: () => Promise<RunIndex>, private readonly post: (message: HostToCompareMessage) => Promise<void>) {}

  /** Answers the page with the runs matching `filter` (newest first), or why the filter is wrong. */
  async find(filter: string): Promise<void> {
    try {
      const index = await this.index();
      const rows = index.listRuns(filter.trim() ? { filter, sort: '-started' } : { sort: '-started' });
      const runs = rows.slice(0, RUN_MATCH_LIMIT).map((r) => ({ id: r.id, name: r.name, experiment: r.experiment, status: r.status, startedAt: r.startedAt }));
      this.last = { filter, runIds: runs.map((r) => r.id), total: rows.length };
      await this.post({ type: 'runMatches', filter, runs, total: rows.length });
    } catch (err) {
      const error = `${errorMessage(err)} — filters look like: lr > 0.01 and status = "finished" (see docs/filter-language.md).`;
      this.last = { filter, runIds: [], total: 0, error };
      await this.post({ type: 'runMatches', filter, runs: [], total: 0, error });
    }
  }

  /** Runs the page set: unknown ids dropped, duplicates kept once; none known: the page is told, undefined. */
  async known(runIds: readonly string[]): Promise<string[] | undefined> {
    const index = await this.index();
    const known = [...new Set(runIds)].filter((id) => index.getRun(id) !== undefined);
    if (known.length) return known;
    await this.post({ type: 'error', message: 'None of those runs exist; the comparison keeps its runs.' });
    return undefined;
  }

  info(): { runMatches?: RunMatchesInfo } {
    return this.last ? { runMatches: { ...this.last, runIds: [...this.last.runIds] } } : {};
  }
}
