// A vertical line over a chart's plot at the hovered x: a DOM overlay, so moving it never redraws a canvas.
import { el } from '../shared/dom';

export class Crosshair {
  private readonly line: HTMLElement;

  /** `body` is the chart's positioned container, with the canvas at its top left. */
  constructor(body: HTMLElement) {
    this.line = el('div', { className: 'crosshair', attrs: { 'aria-hidden': 'true' } });
    this.line.hidden = true;
    body.append(this.line);
  }

  show(px: number, area: { left: number; right: number; top: number; bottom: number }): void {
    if (!Number.isFinite(px) || px < area.left || px > area.right) {
      this.hide();
      return;
    }
    this.line.style.left = `${Math.round(px)}px`;
    this.line.style.top = `${area.top}px`;
    this.line.style.height = `${Math.max(0, area.bottom - area.top)}px`;
    this.line.hidden = false;
  }

  hide(): void {
    this.line.hidden = true;
  }
}
