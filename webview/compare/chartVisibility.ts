// When a chart is drawn: the charts in view first, the rest as they scroll in (issue 12: a comparison of many
// metrics costs only what is on screen).
/**
 * Draws a chart when its card is (about to be) on screen, and redraws a hidden one only once it shows again: a
 * comparison of many metrics costs only what is in view. Pages without IntersectionObserver draw everything.
 * A first draw starts 200 px ahead of the card (it is then ready as it scrolls in); a redraw (smoothing, scale,
 * visibility) waits until the card is on screen: within the margin it would take a chart's redraw from every frame
 * of a slider drag for a chart nobody sees.
 */
const pending = new Map<Element, () => void>();
function watcher(rootMargin: string): IntersectionObserver | undefined {
  if (typeof IntersectionObserver !== 'function') return undefined;
  // Rooted at the page's own document: a webview is a cross-origin frame in desktop VS Code, where the implicit root
  // (the editor's window) ignores the margin.
  const watch: IntersectionObserver = new IntersectionObserver((entries) => {
    for (const entry of entries) {
      if (!entry.isIntersecting) continue;
      const show = pending.get(entry.target);
      pending.delete(entry.target);
      watch.unobserve(entry.target);
      show?.();
    }
  }, { root: document, rootMargin });
  return watch;
}
const observer = watcher('200px 0px');
const redrawObserver = watcher('0px');

/**
 * On screen now: drawn at once. A chart just outside (within the observer's margin) is left to the observer, whose
 * first report comes after the frame is painted: the charts in view show first, and a slider dragged redraws the
 * charts below the fold once per report rather than in every frame's task.
 */
function inView(element: Element): boolean {
  if (!observer) return true;
  const r = element.getBoundingClientRect();
  return r.bottom >= 0 && r.top <= window.innerHeight;
}

/** Whether a chart's card is on screen now (everything is, where the page cannot tell). */
export function onScreen(card: Element): boolean {
  return inView(card);
}

/** Draws `draw` now if the card is on screen, else once it comes within the first-draw margin. */
export function drawWhenNear(card: Element, draw: () => void): void {
  if (inView(card)) draw();
  else {
    pending.set(card, draw);
    observer?.observe(card);
  }
}

/** A redraw: now if the card is on screen, else once it is (a redraw already waiting covers this one). */
export function redrawWhenShown(card: Element, draw: () => void): void {
  if (inView(card)) draw();
  else if (!pending.has(card)) {
    pending.set(card, draw);
    redrawObserver?.observe(card);
  }
}

/** A chart removed: nothing waits for its card any more. */
export function forgetCard(card: Element): void {
  pending.delete(card);
  observer?.unobserve(card);
  redrawObserver?.unobserve(card);
}
