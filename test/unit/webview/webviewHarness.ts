// Loads a real built webview bundle (dist/webview/<app>.js) into jsdom with a recording stand-in for
// acquireVsCodeApi, so tests can send host messages and assert the exact messages the webview posts.
import { readFileSync, existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { JSDOM, VirtualConsole } from 'jsdom';
import { pageLoaderScript } from '../../../src/shared/webviews/pageLoader';

export const repoRoot = resolve(__dirname, '../../../..');

/**
 * Fake time for the page: its setTimeout/clearTimeout and performance.now run on this clock, which moves only when
 * the test says (tick) or, when `msPerCanvasCall` is set, by that much on every call the page makes to a canvas
 * (so a redraw takes a known, non-zero time).
 */
export class PageClock {
  now = 0;
  private nextId = 1;
  private readonly timers = new Map<number, { at: number; run: () => void }>();

  constructor(readonly msPerCanvasCall = 0) {}

  setTimeout(run: () => void, ms = 0): number {
    const id = this.nextId++;
    this.timers.set(id, { at: this.now + Math.max(0, ms), run });
    return id;
  }

  clearTimeout(id: number | undefined): void {
    if (id !== undefined) this.timers.delete(id);
  }

  /** Timers waiting to run. */
  get pending(): number {
    return this.timers.size;
  }

  /** Runs the timer due first, one task (the clock moves to it if it lies ahead); false if none waits. */
  runNext(): boolean {
    let next: [number, { at: number; run: () => void }] | undefined;
    for (const entry of this.timers) if (!next || entry[1].at < next[1].at) next = entry;
    if (!next) return false;
    this.timers.delete(next[0]);
    this.now = Math.max(this.now, next[1].at);
    next[1].run();
    return true;
  }

  /** Moves the clock `ms` forward, running each timer that falls due, in order. */
  tick(ms: number): void {
    const end = this.now + ms;
    for (;;) {
      let next: [number, { at: number; run: () => void }] | undefined;
      for (const entry of this.timers) if (entry[1].at <= end && (!next || entry[1].at < next[1].at)) next = entry;
      if (!next) break;
      this.timers.delete(next[0]);
      this.now = Math.max(this.now, next[1].at);
      next[1].run();
    }
    this.now = end;
  }
}

export interface Harness {
  dom: JSDOM;
  window: JSDOM['window'];
  document: Document;
  /** Every message the webview posted, in order. */
  posted: unknown[];
  /** What the webview last passed to setState. */
  state(): unknown;
  /** Deliver a message as the host would (a MessageEvent on window). */
  send(message: unknown): void;
  /**
   * Calls the fake 2D contexts received, e.g. to tell whether a chart drew lines, with the context's stroke state
   * at the call (`state`) and the class of the canvas it drew on (`canvas`); a Path2D's moveTo/lineTo/arc are
   * recorded here too (`path` set), as they are drawing work.
   */
  canvasCalls: Array<{ method: string; args: unknown[]; state?: { lineWidth: unknown; strokeStyle: unknown; lineJoin: unknown; globalAlpha?: unknown; fillStyle?: unknown }; path?: true; canvas?: string }>;
  /** Script errors the page raised (uncaught exceptions, failed listeners) while the test ran. */
  errors: string[];
  /** Resolve after the page's pending animation frames have run. */
  frame(): Promise<void>;
  /** The page's fake clock, when loaded with one. */
  clock: PageClock | undefined;
  close(): void;
}

function bundle(app: string): string {
  const file = join(repoRoot, 'dist', 'webview', `${app}.js`);
  if (!existsSync(file)) throw new Error(`${file} is missing: run "node scripts/build.mjs" before the webview tests.`);
  return readFileSync(file, 'utf8');
}

/**
 * jsdom has neither layout nor canvas. Elements get a fixed size (so Chart.js and the virtual grid see a
 * 800×600 viewport), and getContext returns a recording 2D context: every method is a no-op that is logged.
 */
function installLayoutAndCanvas(window: JSDOM['window'], calls: Harness['canvasCalls'], clock: PageClock | undefined): void {
  const proto = window.HTMLElement.prototype;
  Object.defineProperty(proto, 'clientWidth', { configurable: true, get() { return 800; } });
  Object.defineProperty(proto, 'clientHeight', { configurable: true, get() { return 600; } });
  window.Element.prototype.getBoundingClientRect = function rect(): DOMRect {
    return { x: 0, y: 0, top: 0, left: 0, right: 800, bottom: 600, width: 800, height: 600, toJSON: () => ({}) } as DOMRect;
  };
  class NoResizeObserver {
    observe(): void { /* layout never changes in jsdom */ }
    unobserve(): void { /* nothing observed */ }
    disconnect(): void { /* nothing observed */ }
  }
  Object.defineProperty(window, 'ResizeObserver', { configurable: true, value: NoResizeObserver });
  // Form-associated custom elements (vscode-textarea) report their value through ElementInternals, which jsdom
  // provides without the form methods: they do nothing here, as they change nothing a test reads.
  const internals = (window as unknown as { ElementInternals?: { prototype: Record<string, unknown> } }).ElementInternals?.prototype;
  if (internals) {
    for (const method of ['setFormValue', 'setValidity']) if (!(method in internals)) internals[method] = () => undefined;
    for (const method of ['checkValidity', 'reportValidity']) if (!(method in internals)) internals[method] = () => true;
  }
  window.HTMLCanvasElement.prototype.getContext = function getContext(this: HTMLCanvasElement) {
    const canvas = this;
    const values: Record<string | symbol, unknown> = { canvas, lineWidth: 1, font: '10px sans-serif', globalAlpha: 1 };
    const context = new Proxy(values, {
      get(target, prop) {
        if (prop in target) return target[prop];
        if (prop === 'measureText') return (text: string) => ({ width: String(text).length * 6, actualBoundingBoxAscent: 8, actualBoundingBoxDescent: 2 });
        if (prop === 'getLineDash') return () => [];
        if (prop === 'getImageData') return () => ({ data: new Uint8ClampedArray(4) });
        if (prop === 'createLinearGradient' || prop === 'createRadialGradient' || prop === 'createPattern') return () => ({ addColorStop() { /* unused */ } });
        if (prop === 'getTransform') return () => ({ a: 1, b: 0, c: 0, d: 1, e: 0, f: 0 });
        return (...args: unknown[]) => {
          calls.push({ method: String(prop), args, state: { lineWidth: target.lineWidth, strokeStyle: target.strokeStyle, lineJoin: target.lineJoin, globalAlpha: target.globalAlpha, fillStyle: target.fillStyle }, canvas: canvas.className });
          if (clock) clock.now += clock.msPerCanvasCall;
        };
      },
      set(target, prop, value) {
        target[prop] = value;
        return true;
      },
    });
    return context as unknown as RenderingContext;
  } as typeof window.HTMLCanvasElement.prototype.getContext;
  // jsdom has no Path2D: a recording one (its segments count as drawing work, like the context's own; each path
  // also keeps its own, so a test can tell what one stroke(path) drew).
  class RecordingPath2D {
    readonly segments: Array<{ method: string; args: unknown[] }> = [];
    constructor() {
      for (const method of ['moveTo', 'lineTo', 'arc', 'closePath', 'rect']) {
        (this as unknown as Record<string, unknown>)[method] = (...args: unknown[]) => {
          calls.push({ method, args, path: true });
          this.segments.push({ method, args });
          if (clock) clock.now += clock.msPerCanvasCall;
        };
      }
    }
  }
  Object.defineProperty(window, 'Path2D', { configurable: true, value: RecordingPath2D });
}

export function loadWebview(app: 'compare' | 'runsTable' | 'details' | 'monitoring' | 'analysis', savedState?: unknown, options: { clock?: PageClock; beforeScript?: (window: JSDOM['window']) => void; withoutMarkdown?: boolean } = {}): Harness {
  const errors: string[] = [];
  let open = true;
  const virtualConsole = new VirtualConsole();
  // After close(), Chart.js's DOM observers still fire on the torn-down document: not the page's fault.
  virtualConsole.on('jsdomError', (err) => { if (open) errors.push(err.stack ?? err.message); });
  const dom = new JSDOM('<!DOCTYPE html><html><head></head><body><div id="app"></div></body></html>', {
    runScripts: 'outside-only',
    virtualConsole,
    pretendToBeVisual: true,
    url: 'https://webview.invalid/index.html',
  });
  const { window } = dom;
  const posted: unknown[] = [];
  const canvasCalls: Harness['canvasCalls'] = [];
  let state: unknown = savedState;
  const { clock } = options;
  installLayoutAndCanvas(window, canvasCalls, clock);
  // The page shell's inline loader, as webviewHtml puts it before the page's script.
  window.eval(pageLoaderScript());
  // The Markdown renderer's bundle, as a page has it once loaded (jsdom loads no script by its address; a test of the
  // page without it says withoutMarkdown).
  if (!options.withoutMarkdown) window.eval(bundle('markdown'));
  // A test's own stand-ins (e.g. an IntersectionObserver and a layout with cards below the fold).
  options.beforeScript?.(window);
  if (clock) {
    Object.defineProperty(window, 'setTimeout', { configurable: true, value: (run: () => void, ms?: number) => clock.setTimeout(run, ms) });
    Object.defineProperty(window, 'clearTimeout', { configurable: true, value: (id?: number) => clock.clearTimeout(id) });
    Object.defineProperty(window.performance, 'now', { configurable: true, value: () => clock.now });
  }
  // Structured clone, as the real channel does: the webview can't keep references to what it posted.
  const clone = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));
  Object.defineProperty(window, 'acquireVsCodeApi', {
    value: () => ({
      postMessage: (message: unknown) => { posted.push(clone(message)); },
      getState: () => clone(state),
      setState: (next: unknown) => { state = clone(next); },
    }),
  });
  window.eval(bundle(app));
  return {
    dom,
    window,
    document: window.document,
    posted,
    state: () => state,
    send: (message) => { window.dispatchEvent(new window.MessageEvent('message', { data: message })); },
    canvasCalls,
    errors,
    frame: () => new Promise((done) => { window.requestAnimationFrame(() => setTimeout(done, 0)); }),
    clock,
    close: () => {
      open = false;
      window.close();
    },
  };
}

/** The messages of one type the webview posted, in order. */
export function messagesOfType<T extends { type: string }>(harness: Harness, type: T['type']): T[] {
  return harness.posted.filter((m): m is T => typeof m === 'object' && m !== null && (m as { type?: unknown }).type === type);
}

/** Every element's tag and attribute names, in document order: what the page built, without any text. */
export function structure(document: Document): string[] {
  return [...document.querySelectorAll('*')].map((e) => `${e.tagName.toLowerCase()}[${e.getAttributeNames().sort().join(' ')}]`);
}
