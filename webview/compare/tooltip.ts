// The hover of the comparison: one crosshair at the same x across every chart, and a tooltip listing every visible
// run at that x, sorted by value, each with its colour. Charts are reached through the small interface below.
import { formatNumber } from '../../src/shared/format';
import type { CompareRun } from '../../src/shared/webviews/compare/contract';
import { clear, el } from '../shared/dom';
import { Crosshair } from './crosshair';

export interface HoverChart {
  readonly metric: string;
  readonly canvas: HTMLCanvasElement;
  plotArea(): { left: number; right: number; top: number; bottom: number };
  pixelToX(px: number): number;
  xToPixel(x: number): number;
  /** Each run's drawn point nearest to x, for runs whose line reaches within `slack` of x. */
  valuesAt(x: number, slack: number): Array<{ run: CompareRun; x: number; y: number | null }>;
}

/** Rows shown at most; the rest are counted (a tooltip taller than the screen helps nobody). */
const MAX_ROWS = 30;

/** Sorted high to low; runs with no finite value at that x last. */
export function byValue<T extends { y: number | null }>(rows: readonly T[]): T[] {
  const key = (y: number | null): number => (y === null || Number.isNaN(y) ? Number.NEGATIVE_INFINITY : y);
  return [...rows].sort((a, b) => key(b.y) - key(a.y));
}

export class SharedHover {
  private entries: Array<{ chart: HoverChart; crosshair: Crosshair; dispose: () => void }> = [];
  private readonly tip = el('div', { className: 'chart-tooltip', attrs: { role: 'tooltip' } });
  private frame: number | undefined;

  constructor(
    /** The x as the axis names it (`Step 1200`, `epoch 3`…). */
    private readonly describeX: (x: number) => string,
    private readonly visible: (runId: string) => boolean,
  ) {
    this.tip.hidden = true;
    document.body.append(this.tip);
  }

  attach(chart: HoverChart, body: HTMLElement): void {
    const crosshair = new Crosshair(body);
    const move = (event: MouseEvent): void => {
      const rect = chart.canvas.getBoundingClientRect();
      const px = event.clientX - rect.left;
      const { clientX, clientY } = event;
      // Mouse moves come faster than frames: one update per frame.
      if (this.frame !== undefined) cancelAnimationFrame(this.frame);
      this.frame = requestAnimationFrame(() => {
        this.frame = undefined;
        this.show(chart, px, clientX, clientY);
      });
    };
    const leave = (): void => {
      if (this.frame !== undefined) cancelAnimationFrame(this.frame);
      this.frame = undefined;
      this.hide();
    };
    chart.canvas.addEventListener('mousemove', move);
    chart.canvas.addEventListener('mouseleave', leave);
    this.entries.push({
      chart, crosshair,
      dispose: () => {
        chart.canvas.removeEventListener('mousemove', move);
        chart.canvas.removeEventListener('mouseleave', leave);
      },
    });
  }

  /** Forgets every chart (they are about to be rebuilt). */
  detachAll(): void {
    for (const e of this.entries) e.dispose();
    this.entries = [];
    this.hide();
  }

  /** Shows the crosshair on every chart and the tooltip for the hovered one, at the x under pixel `px` of `source`. */
  show(source: HoverChart, px: number, clientX: number, clientY: number): void {
    const area = source.plotArea();
    if (px < area.left || px > area.right) {
      this.hide();
      return;
    }
    const x = source.pixelToX(px);
    for (const { chart, crosshair } of this.entries) crosshair.show(chart.xToPixel(x), chart.plotArea());
    // A run counts as present within four pixels of its line's ends.
    const slack = Math.abs(source.pixelToX(px + 4) - x);
    const rows = byValue(source.valuesAt(x, slack).filter((v) => this.visible(v.run.id)));
    this.render(source.metric, x, rows);
    this.place(clientX, clientY);
  }

  hide(): void {
    this.tip.hidden = true;
    for (const { crosshair } of this.entries) crosshair.hide();
  }

  private render(metric: string, x: number, rows: ReadonlyArray<{ run: CompareRun; y: number | null }>): void {
    clear(this.tip);
    this.tip.dataset.metric = metric;
    this.tip.dataset.x = String(x);
    this.tip.append(el('div', { className: 'tip-title' }, `${metric} · ${this.describeX(x)}`));
    if (rows.length === 0) this.tip.append(el('div', { className: 'tip-empty' }, 'No visible run has a point here.'));
    for (const { run, y } of rows.slice(0, MAX_ROWS)) {
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = run.color;
      this.tip.append(el('div', { className: 'tip-row', attrs: { 'data-run': run.id } },
        swatch, el('span', { className: 'tip-name' }, run.name), el('span', { className: 'tip-value' }, y === null ? '—' : formatNumber(y))));
    }
    if (rows.length > MAX_ROWS) this.tip.append(el('div', { className: 'tip-more' }, `… and ${rows.length - MAX_ROWS} more runs`));
    this.tip.hidden = false;
  }

  /** Beside the pointer, flipped to stay inside the window. */
  private place(clientX: number, clientY: number): void {
    const w = this.tip.offsetWidth;
    const h = this.tip.offsetHeight;
    const left = clientX + 16 + w > window.innerWidth ? Math.max(0, clientX - 16 - w) : clientX + 16;
    const top = clientY + 16 + h > window.innerHeight ? Math.max(0, window.innerHeight - h - 4) : clientY + 16;
    this.tip.style.left = `${left}px`;
    this.tip.style.top = `${top}px`;
  }
}
