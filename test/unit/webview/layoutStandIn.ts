// A page layout for the jsdom harness, which has none: each element's box from `topOf` (its top edge in px, 300 px
// tall, 800 wide), and an IntersectionObserver that reports only when a test calls `report` (as the browser does after
// a frame). Lets a test put charts or sections on screen, just below it, or far below it.
import type { DOMWindow } from 'jsdom';

export type ObserverEntries = Array<{ target: Element; isIntersecting: boolean }>;

/** The observers the page made: the margin each was given, its callback and what it watches now. */
export interface Observed {
  readonly margin: string;
  readonly callback: (entries: ObserverEntries) => void;
  targets: Element[];
}

export function standInLayout(window: DOMWindow, topOf: (element: Element, window: DOMWindow) => number, observed: Observed[] = []): void {
  window.Element.prototype.getBoundingClientRect = function rect(this: Element): DOMRect {
    const top = topOf(this, window);
    return { x: 0, y: top, top, left: 0, right: 800, bottom: top + 300, width: 800, height: 300, toJSON: () => ({}) } as DOMRect;
  };
  class Observer {
    private readonly entry: Observed;
    constructor(callback: (entries: ObserverEntries) => void, options?: { rootMargin?: string }) {
      this.entry = { margin: options?.rootMargin ?? '0px', callback, targets: [] };
      observed.push(this.entry);
    }
    observe(target: Element): void { this.entry.targets.push(target); }
    unobserve(target: Element): void { this.entry.targets = this.entry.targets.filter((t) => t !== target); }
    disconnect(): void { this.entry.targets = []; }
  }
  Object.defineProperty(window, 'IntersectionObserver', { configurable: true, value: Observer });
}

/** The browser's report after a frame: each watched element that `near` picks is within its observer's margin. */
export function report(observed: readonly Observed[], near: (element: Element) => boolean = () => true): void {
  for (const o of observed) o.callback(o.targets.filter(near).map((target) => ({ target, isIntersecting: true })));
}
