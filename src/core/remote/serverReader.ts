// An MLflow tracking server as a source: experiments and runs listed page by page through experiments/search and
// runs/search (page tokens, MLflow's max_results limits), each run's metadata and latest metric values taken from
// the page that listed it (no request per run), and metric histories fetched through metrics/get-history (paged)
// only for the runs asked for (opened or compared). It implements the sources' reader, so the mirror writes
// remote runs into .trialbook/runs like any imported run, and they list offline from there.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import type { RunDelta } from '../sources/sourceModel';
import { seriesOf } from '../sources/sourceModel';
import type { RunListing, SourceReader, SourceRunRef } from '../sources/sourceReader';
import { Slicer } from '../slices';
import { notJson } from '../sync/syncApi';
import { ArrayElements, JsonShapeError } from './jsonElements';
import { metricValue, parseRun, remoteRunMeta, runSignature, type MlflowRunJson } from './remoteRun';
import { serverLabel } from './remoteTarget';

/** What the reader needs from the server: one REST call (retries and errors are the caller's). */
export type MlflowCall = <T>(method: 'GET' | 'POST', endpoint: string, payload?: Record<string, unknown>) => Promise<T>;
/** The same call answering the body's text, unparsed: runs/search pages are parsed a run at a time. */
export type MlflowTextCall = (method: 'GET' | 'POST', endpoint: string, payload?: Record<string, unknown>) => Promise<string>;

/** Runs per runs/search page: MLflow's default (its limit is 50,000), small enough that the first page shows fast. */
export const RUNS_PAGE = 1000;
/**
 * A runs/search page shorter than this is parsed in one piece (a few milliseconds); a longer one a run at a time
 * between the slicer's pauses, which costs about twice the CPU of one JSON.parse (the scan for each run's end) but
 * never holds the thread for a whole page (a page of 1,000 runs as MLflow's clients log them is 3-4 MB: 48 ms).
 */
const PARSE_WHOLE_CHARS = 1 << 20;
/** Experiments per experiments/search page (MLflow's limit is 50,000 too). */
const EXPERIMENTS_PAGE = 1000;
/** Points per metrics/get-history page (MLflow's limit: 25,000). */
export const HISTORY_PAGE = 25_000;

interface Cursor {
  sig: string;
  /** Per metric fetched: the last (timestamp, step) written; later fetches add only points after it. */
  history?: [string, number, number][];
}

function parseCursor(v: unknown): Cursor | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const c = v as { sig?: unknown; history?: unknown };
  if (typeof c.sig !== 'string') return undefined;
  const out: Cursor = { sig: c.sig };
  if (Array.isArray(c.history)) out.history = c.history.filter((h): h is [string, number, number] => Array.isArray(h) && typeof h[0] === 'string' && typeof h[1] === 'number' && typeof h[2] === 'number');
  return out;
}

export interface Experiment { id: string; name: string }

export interface RunsPage {
  experiment: Experiment;
  listing: RunListing;
  /** Runs left out because they are this workspace's own runs synced to the server (listed once, as local runs). */
  own: number;
}

export class MlflowServerReader implements SourceReader {
  readonly kind = 'mlflow-server' as const;
  /** Runs of the pages listed and not yet read: the mirror reads each once, right after its page. */
  private readonly listed = new Map<string, { run: MlflowRunJson; experiment: string }>();
  private readonly experimentNames = new Map<string, string>();
  /** Source run ids whose metric histories are wanted (opened or compared). */
  private readonly wanted = new Set<string>();
  /**
   * Gives the thread back every few milliseconds while pages are parsed and runs mirrored (the extension host's
   * thread: a 20,000-run listing never holds it for long); the browser pauses on it too.
   */
  slicer = new Slicer();
  /** Requests made (for status and tests). */
  requests = 0;

  /**
   * With `callText`, a runs/search page over PARSE_WHOLE_CHARS is parsed a run at a time between the slicer's pauses
   * (JSON.parse of a whole big page held the thread longest); without it, every page in one piece.
   */
  constructor(readonly root: string, private readonly call: MlflowCall, private readonly runsDir?: string, private readonly callText?: MlflowTextCall) {}

  async experiments(): Promise<Experiment[]> {
    const out: Experiment[] = [];
    let token: string | undefined;
    do {
      this.requests++;
      const page = await this.call<{ experiments?: unknown[]; next_page_token?: string }>('POST', 'experiments/search', { max_results: EXPERIMENTS_PAGE, view_type: 'ACTIVE_ONLY', ...(token ? { page_token: token } : {}) });
      for (const e of page.experiments ?? []) {
        if (typeof e !== 'object' || e === null) continue;
        const { experiment_id: id, name } = e as { experiment_id?: unknown; name?: unknown };
        if (typeof id !== 'string' || typeof name !== 'string') continue;
        out.push({ id, name });
        this.experimentNames.set(id, name);
      }
      token = page.next_page_token || undefined;
    } while (token);
    return out;
  }

  /** The runs of one experiment, a page at a time (newest first: MLflow's default order). */
  async *runPages(experiment: Experiment, pageSize = RUNS_PAGE, filter = ''): AsyncGenerator<RunsPage> {
    let token: string | undefined;
    do {
      this.requests++;
      // ACTIVE_ONLY: runs deleted on the server are not listed (the browser removes their cached copies).
      const page = await this.searchPage({
        experiment_ids: [experiment.id], max_results: pageSize, run_view_type: 'ACTIVE_ONLY', ...(filter ? { filter } : {}), ...(token ? { page_token: token } : {}),
      });
      const listing: RunListing = { runs: [], problems: [] };
      let own = 0;
      for (const raw of page.runs) {
        // With a text page, this step of the loop is the scan and parse of this one run.
        await this.slicer.pause();
        const run = parseRun(raw);
        if (!run) { listing.problems.push({ file: this.root, reason: 'runs/search returned a run without a valid run id; it is left out' }); continue; }
        if (this.isOwn(run)) { own++; continue; }
        this.listed.set(run.info.run_id, { run, experiment: experiment.name });
        listing.runs.push({ sourceId: run.info.run_id, location: `${this.root}#${run.info.run_id}` });
      }
      yield { experiment, listing, own };
      token = page.token() || undefined;
    } while (token);
  }

  /** One runs/search page: its runs (parsed one by one as they are iterated, when the text is at hand) and token. */
  private async searchPage(payload: Record<string, unknown>): Promise<{ runs: Iterable<unknown>; token: () => string | undefined }> {
    if (!this.callText) {
      const page = await this.call<{ runs?: unknown[]; next_page_token?: string }>('POST', 'runs/search', payload);
      return { runs: page.runs ?? [], token: () => page.next_page_token };
    }
    const text = await this.callText('POST', 'runs/search', payload);
    const root = this.root;
    if (text.length < PARSE_WHOLE_CHARS) {
      let page: { runs?: unknown[]; next_page_token?: string };
      try { page = JSON.parse(text || '{}') as typeof page; } catch { throw notJson(root, 'runs/search'); }
      return { runs: page.runs ?? [], token: () => page.next_page_token };
    }
    const split = new ArrayElements(text, 'runs');
    return {
      runs: (function* parsed(): Generator<unknown> {
        try {
          for (const text of split) yield JSON.parse(text) as unknown;
        } catch (err) {
          if (err instanceof SyntaxError || err instanceof JsonShapeError) throw notJson(root, 'runs/search');
          throw err;
        }
      })(),
      token: () => { const t = split.fields['next_page_token']; return typeof t === 'string' ? t : undefined; },
    };
  }

  /** A run this workspace synced out (its `trialbook.run_id` tag names a run folder here). */
  private isOwn(run: MlflowRunJson): boolean {
    if (!this.runsDir) return false;
    const id = run.tags.find(([k]) => k === 'trialbook.run_id')?.[1];
    return id !== undefined && /^[\w.-]{1,200}$/.test(id) && existsSync(join(this.runsDir, id, 'events.jsonl')) && !existsSync(join(this.runsDir, id, 'source.json'));
  }

  async listRuns(): Promise<RunListing> {
    const out: RunListing = { runs: [], problems: [] };
    for (const e of await this.experiments()) {
      for await (const page of this.runPages(e)) { out.runs.push(...page.listing.runs); out.problems.push(...page.listing.problems); }
    }
    return out;
  }

  /** From now on, reading this run also fetches its metric histories (what is new since the last fetch). */
  want(sourceId: string): void {
    this.wanted.add(sourceId);
  }

  /** The last error a run read met (the mirror reports it as text; callers want its kind). */
  lastError: unknown;

  async readRun(ref: SourceRunRef, cursorValue: unknown): Promise<RunDelta> {
    try {
      return await this.readRunOnce(ref, cursorValue);
    } catch (err) {
      this.lastError = err;
      throw err;
    }
  }

  private async readRunOnce(ref: SourceRunRef, cursorValue: unknown): Promise<RunDelta> {
    await this.slicer.pause();
    const cursor = parseCursor(cursorValue);
    let entry = this.listed.get(ref.sourceId);
    this.listed.delete(ref.sourceId);
    const wanted = this.wanted.has(ref.sourceId);
    if (!entry) {
      // Not from a page just listed (a history asked for later): the run as it is now.
      this.requests++;
      const answer = await this.call<{ run?: unknown }>('GET', 'runs/get', { run_id: ref.sourceId });
      const run = parseRun(answer.run);
      if (!run) throw new Error(`runs/get for ${ref.sourceId} returned no run`);
      entry = { run, experiment: await this.experimentName(run.info.experiment_id) };
    }
    const sig = runSignature(entry.run, entry.experiment);
    const next: Cursor = { sig, ...(cursor?.history ? { history: cursor.history } : {}) };
    const delta: RunDelta = { sourceId: ref.sourceId, series: new Map(), rich: [], problems: [], cursor: next };
    if (!cursor || cursor.sig !== sig) delta.meta = remoteRunMeta(entry.run, entry.experiment, serverLabel(this.root));
    if (wanted) next.history = await this.fetchHistories(entry.run, delta, cursor?.history ?? []);
    return delta;
  }

  private async experimentName(id: string): Promise<string> {
    const known = this.experimentNames.get(id);
    if (known !== undefined) return known;
    this.requests++;
    const answer = await this.call<{ experiment?: { name?: unknown } }>('GET', 'experiments/get', { experiment_id: id });
    const name = typeof answer.experiment?.name === 'string' ? answer.experiment.name : `experiment ${id}`;
    this.experimentNames.set(id, name);
    return name;
  }

  /** Every metric's points after the last fetched one, all pages; returns the new per-metric marks. */
  private async fetchHistories(run: MlflowRunJson, delta: RunDelta, before: [string, number, number][]): Promise<[string, number, number][]> {
    const marks = new Map(before.map(([k, ts, step]) => [k, { ts, step }]));
    for (const { key } of run.metrics) {
      const mark = marks.get(key);
      const points: { ts: number; step: number; value: number }[] = [];
      let token: string | undefined;
      do {
        this.requests++;
        const page = await this.call<{ metrics?: unknown[]; next_page_token?: string }>('GET', 'metrics/get-history', { run_id: run.info.run_id, metric_key: key, max_results: HISTORY_PAGE, ...(token ? { page_token: token } : {}) });
        for (const m of page.metrics ?? []) {
          if (typeof m !== 'object' || m === null) continue;
          const p = m as { value?: unknown; timestamp?: unknown; step?: unknown };
          const value = metricValue(p.value);
          const ts = Number(p.timestamp ?? 0);
          const step = Number(p.step ?? 0);
          if (value === undefined || !Number.isSafeInteger(ts) || !Number.isSafeInteger(step)) continue;
          // Points up to the mark were written by an earlier fetch (a live run is fetched again as it grows).
          if (mark && (ts < mark.ts || (ts === mark.ts && step <= mark.step))) continue;
          points.push({ ts, step, value });
        }
        token = page.next_page_token || undefined;
      } while (token);
      if (points.length === 0) continue;
      points.sort((a, b) => a.ts - b.ts || a.step - b.step);
      const s = seriesOf(delta, key);
      for (const p of points) { s.steps.push(p.step); s.times.push(p.ts); s.values.push(p.value); }
      const last = points[points.length - 1];
      if (last) marks.set(key, { ts: last.ts, step: last.step });
    }
    return [...marks].map(([k, m]) => [k, m.ts, m.step]);
  }

  close(): void {
    this.listed.clear();
  }
}
