// The page's end of the bands worker (webview/bandsWorker). One worker for the page's charts, started on the first
// grouping. Where no worker can start (jsdom in the unit tests, a policy that refuses it), `bandsClient()` is
// undefined and the charts aggregate on the page as before.
import type { AggregateOptions, Band, Series } from '../../src/shared/webviews/compare/bands';
import type { BandsJob, BandsResult } from './bandsJob';

export interface BandsComputer {
  compute(groups: Series[][], options: AggregateOptions): Promise<Band[]>;
}

class WorkerBands implements BandsComputer {
  private nextId = 1;
  private readonly waiting = new Map<number, { resolve(bands: Band[]): void; reject(err: Error): void }>();
  private readonly worker: Promise<Worker>;

  constructor(scriptUrl: string) {
    // A worker must come from the page's own origin: its file is fetched (through the webview's resource loader) and
    // started from a blob, which the page's policy allows for workers only.
    this.worker = fetch(scriptUrl)
      .then((response) => {
        if (!response.ok) throw new Error(`the bands worker's script answered ${response.status}`);
        return response.text();
      })
      .then((text) => {
        const worker = new Worker(URL.createObjectURL(new Blob([text], { type: 'text/javascript' })));
        worker.onmessage = (event: MessageEvent<BandsResult>) => this.settle(event.data);
        worker.onerror = () => this.failAll(new Error('the bands worker stopped'));
        return worker;
      });
    this.worker.catch((err: unknown) => this.failAll(err instanceof Error ? err : new Error(String(err))));
  }

  compute(groups: Series[][], options: AggregateOptions): Promise<Band[]> {
    const id = this.nextId++;
    // The page's lines are views into the buffer their message came in (every line of several charts): cloned as
    // they are, each job would copy that whole buffer. Each series is copied on its own and handed over instead.
    const own = groups.map((series) => series.map((s) => ({ xs: s.xs.slice(), ys: s.ys.slice() })));
    const transfer = own.flatMap((series) => series.flatMap((s) => [s.xs.buffer, s.ys.buffer]));
    return new Promise<Band[]>((resolve, reject) => {
      this.waiting.set(id, { resolve, reject });
      const job: BandsJob = { id, groups: own, options };
      this.worker.then((worker) => worker.postMessage(job, transfer), (err: unknown) => reject(err instanceof Error ? err : new Error(String(err))));
    });
  }

  private settle(result: BandsResult): void {
    const waiter = this.waiting.get(result.id);
    if (!waiter) return;
    this.waiting.delete(result.id);
    // Said on the page for the UI tests: the bands came from the worker.
    if (result.bands) document.body.dataset.bandsWorker = 'answered';
    if (result.bands) waiter.resolve(result.bands);
    else waiter.reject(new Error(result.error ?? 'the bands worker gave no bands'));
  }

  private failAll(err: Error): void {
    document.body.dataset.bandsWorker = `failed: ${err.message}`;
    for (const waiter of this.waiting.values()) waiter.reject(err);
    this.waiting.clear();
  }
}

let shared: BandsComputer | null | undefined;

/** The page's bands worker, started on first use; undefined where none can start. */
export function bandsClient(): BandsComputer | undefined {
  if (shared === undefined) {
    const script = document.querySelector<HTMLScriptElement>('script[src*="/compare.js"]');
    const url = script ? script.src.replace(/\/compare\.js(?=$|[?#])/, '/bandsWorker.js') : undefined;
    shared = typeof Worker === 'function' && typeof fetch === 'function' && url && url !== script?.src ? new WorkerBands(url) : null;
  }
  return shared ?? undefined;
}
