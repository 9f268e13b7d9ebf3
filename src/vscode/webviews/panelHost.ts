// What every webview panel shares, without the editor API (unit-tested in plain Node): every message from the page
// checked against the panel's contract, the ready handshake, messages held until the page is ready, saved state
// checked before use, handler failures caught and reported, timers that end with the panel. A bad message is
// logged with its panel and type and answered with nothing; nothing here ever throws at the webview channel.
import type { Logger } from '../../core/model';
import { errorMessage } from '../../shared/errorMessage';
import type { PanelContract, Schema } from '../../shared/webviews/schema';
import { readyHeld } from './readyHold';

/** The page end of the channel (a `vscode.Webview` in the editor). */
export interface WebviewPort {
  /** Resolves false (or rejects) when the message could not be delivered. */
  postMessage(message: unknown): PromiseLike<boolean>;
}

type ReadyOf<In> = Extract<In, { type: 'ready' }>;

/** One handler per message type the page may send, checked by the compiler against the contract. */
export type PanelHandlers<In extends { type: string }, State> = {
  [K in Exclude<In['type'], 'ready'>]: (message: Extract<In, { type: K }>) => unknown;
} & {
  /** The page (re)started. `state` is what it saved, when that still fits the contract (else undefined: defaults). */
  ready(message: ReadyOf<In>, state: State | undefined): unknown;
};

/** Messages held for a page that is not ready; beyond this the oldest go (the ready handler re-sends what matters). */
const MAX_PENDING = 100;

/** A message type as it may appear in a log line: quoted, short, whatever the page sent. */
function typeName(type: string | undefined): string {
  if (type === undefined) return 'a message without a type';
  const short = type.length > 40 ? `${type.slice(0, 40)}…` : type;
  return `a "${JSON.stringify(short).slice(1, -1)}" message`;
}

/**
 * View state saved by the page (setState), as the serializer or a ready message brings it back: used when it fits
 * the panel's contract, else dropped with a log line (a newer version may save a different shape).
 */
export function restoreState<State>(panel: string, schema: Schema<State>, saved: unknown, log: Logger): State | undefined {
  if (saved === undefined || saved === null) return undefined;
  const problem = schema.problem(saved, 'state');
  if (problem === undefined) return saved as State;
  log.warn(`${panel} panel: the view state it saved no longer fits (${problem}); it opens with defaults.`);
  return undefined;
}

export interface PanelHostOptions<In extends { type: string }, Out extends { type: string }, State> {
  contract: PanelContract<In, Out, State>;
  port: WebviewPort;
  log: Logger;
  handlers: PanelHandlers<In, State>;
  /** Tells the user that something they asked for failed (a notification in the editor); it is logged here. */
  reportError?: (message: string) => void;
}

export class PanelHost<In extends { type: string }, Out extends { type: string }, State> {
  private ready = false;
  private disposed = false;
  /** Counts the page's starts over (see pageGone): what was posted ahead reached only the page of its generation. */
  private generation = 0;
  private readonly pending: Out[] = [];
  private readonly timers = new Set<ReturnType<typeof setTimeout>>();
  private readonly contract: PanelContract<In, Out, State>;
  private readonly port: WebviewPort;
  private readonly log: Logger;
  private readonly handlers: PanelHandlers<In, State>;
  private readonly reportError: ((message: string) => void) | undefined;

  constructor(options: PanelHostOptions<In, Out, State>) {
    this.contract = options.contract;
    this.port = options.port;
    this.log = options.log;
    this.handlers = options.handlers;
    this.reportError = options.reportError;
  }

  get panel(): string {
    return this.contract.panel;
  }

  /** Whether the page said ready since it last started: what is posted now is delivered now. */
  get isReady(): boolean {
    return this.ready && !this.disposed;
  }

  /**
   * A message from the page: checked against the contract, then handled. Never rejects: a message that does not
   * fit is logged and ignored, and a handler that fails is logged (and reported, when it was the user's request).
   */
  async receive(raw: unknown): Promise<void> {
    if (this.disposed) return;
    const result = this.contract.toHost.check(raw);
    if (!result.ok) {
      this.log.warn(`${this.panel} panel: ignored ${typeName(result.type)} from its page: ${result.problem}.`);
      return;
    }
    const message = result.message;
    try {
      if (message.type === 'ready') {
        if (readyHeld(() => { void this.receive(raw); })) return;
        const ready = message as ReadyOf<In>;
        this.ready = true;
        const state = restoreState(this.panel, this.contract.state, (ready as { state?: unknown }).state, this.log);
        this.flush();
        await this.handlers.ready(ready, state);
        return;
      }
      // The type was checked against the contract, so the handler exists and takes this message.
      const handler: unknown = this.handlers[message.type as Exclude<In['type'], 'ready'>];
      await (handler as (m: In) => unknown)(message);
    } catch (err) {
      if (this.disposed) return; // closed while handling (e.g. "Webview is disposed"): nothing left to tell
      const text = errorMessage(err);
      this.log.error(`${this.panel} panel: handling ${typeName(message.type)} failed: ${text}`);
      this.reportError?.(text);
    }
  }

  /** Sends to the page now when it is ready, else when it says ready. Never rejects; failures are logged. */
  post(message: Out): Promise<void> {
    if (this.disposed) return Promise.resolve();
    if (!this.ready) {
      if (this.pending.length >= MAX_PENDING) this.pending.shift();
      this.pending.push(message);
      return Promise.resolve();
    }
    return this.deliver(message);
  }

  /**
   * Posts now, before the page said ready: VS Code holds a message for a page that is still loading and hands it over
   * once the page's script has run (its listener is there). For a page just given its HTML; `pageGeneration` tells
   * whether that page is still the one (see pageGone). Never rejects.
   */
  postAhead(message: Out): Promise<void> {
    if (this.disposed) return Promise.resolve();
    return this.deliver(message);
  }

  /** Changes whenever the page is torn down or loaded again: a message posted ahead went to an earlier page. */
  get pageGeneration(): number {
    return this.generation;
  }

  /** The page is gone (a hidden tab's page is torn down): hold messages until it starts again and says ready. */
  pageGone(): void {
    this.ready = false;
    this.generation++;
  }

  /** Runs `task` now, in the background: a failure is logged, never thrown. */
  background(what: string, task: () => Promise<unknown> | unknown): Promise<void> {
    return (async () => {
      try {
        await task();
      } catch (err) {
        if (!this.disposed) this.log.error(`${this.panel} panel: ${what} failed: ${errorMessage(err)}`);
      }
    })();
  }

  /**
   * A trigger that runs `task` at most once per `intervalMs`, the first time as soon as the interval since the last
   * run allows: live runs change many times a second, and the page needs a few updates a second at most.
   */
  throttled(intervalMs: number, what: string, task: () => Promise<unknown> | unknown): () => void {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let last = Number.NEGATIVE_INFINITY;
    return () => {
      if (this.disposed || timer !== undefined) return;
      const wait = Math.max(0, Math.min(intervalMs, last + intervalMs - Date.now()));
      const scheduled = setTimeout(() => {
        this.timers.delete(scheduled);
        timer = undefined;
        last = Date.now();
        void this.background(what, task);
      }, wait);
      timer = scheduled;
      this.timers.add(scheduled);
    };
  }

  dispose(): void {
    this.disposed = true;
    this.ready = false;
    this.pending.length = 0;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  private flush(): void {
    for (const message of this.pending.splice(0)) void this.deliver(message);
  }

  private async deliver(message: Out): Promise<void> {
    try {
      const delivered = await this.port.postMessage(message);
      if (!delivered && !this.disposed) this.log.warn(`${this.panel} panel: ${typeName(message.type)} was not delivered (the page was gone).`);
    } catch (err) {
      if (!this.disposed) this.log.warn(`${this.panel} panel: ${typeName(message.type)} was not delivered: ${errorMessage(err)}`);
    }
  }
}
