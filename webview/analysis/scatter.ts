// Scatter of one dimension against a metric, coloured by a third, drawn on a canvas: hovering a point shows the
// run's name and values (textContent), clicking it opens the run. The keyboard reaches every point too: arrow keys
// move between points (by x), Enter opens the focused one. Runs outside the brushes are drawn faint.
// Also the scatter matrix: every pair of up to six dimensions, small multiples on one canvas.
import { formatNumber } from '../../src/shared/format';
import type { AnalysisData, AnalysisDimension } from '../../src/shared/webviews/analysis/contract';
import { el } from '../shared/dom';
import { colorOf } from './colors';
import { axisScale } from './scales';

const PAD = { top: 12, right: 16, bottom: 40, left: 64 };

export function valueText(d: AnalysisDimension, v: number | undefined): string {
  if (v === undefined || Number.isNaN(v)) return '—';
  return d.scale === 'category' ? d.categories[v] ?? '—' : formatNumber(v);
}

interface Point { run: number; x: number; y: number }

export class ScatterPlot {
  readonly element: HTMLElement;
  readonly canvas = document.createElement('canvas');
  readonly tooltip = el('div', { className: 'scatter-tip', attrs: { role: 'status' } });
  private points: Point[] = [];
  private focused = -1;
  private data: AnalysisData | undefined;
  private dims: { x?: AnalysisDimension; y?: AnalysisDimension; c?: AnalysisDimension } = {};

  constructor(private readonly openRun: (runId: string) => void) {
    this.canvas.className = 'scatter';
    this.canvas.tabIndex = 0;
    this.canvas.setAttribute('aria-label', 'Scatter: arrow keys move between runs, Enter opens the run');
    this.element = el('div', { className: 'scatter-wrap' }, this.canvas, this.tooltip);
    this.canvas.addEventListener('pointermove', (e) => this.hover(e));
    this.canvas.addEventListener('pointerleave', () => { this.tooltip.style.display = 'none'; });
    this.canvas.addEventListener('click', (e) => {
      const p = this.nearest(e);
      const id = p && this.data?.runs[p.run]?.id;
      if (id) this.openRun(id);
    });
    this.canvas.addEventListener('keydown', (e) => this.key(e));
  }

  draw(data: AnalysisData, xKey: string, yKey: string, colorKey: string | undefined, kept: ReadonlySet<number> | undefined, width: number): void {
    // A redraw (new width, live data, a brush) keeps the point the keyboard is on, when its run is still drawn.
    const focusedRun = this.focused >= 0 && this.tooltip.style.display === 'block' ? this.points[this.focused]?.run : undefined;
    this.data = data;
    const find = (k: string | undefined): AnalysisDimension | undefined => data.dimensions.find((d) => d.key === k);
    this.dims = { x: find(xKey), y: find(yKey), c: find(colorKey) };
    const height = 340;
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(width * ratio);
    this.canvas.height = Math.round(height * ratio);
    this.canvas.style.width = `${width}px`;
    this.canvas.style.height = `${height}px`;
    const ctx = this.canvas.getContext('2d');
    const { x, y, c } = this.dims;
    this.points = [];
    if (!ctx || !x || !y) return;
    ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
    ctx.clearRect(0, 0, width, height);
    const sx = axisScale(x);
    const sy = axisScale(y);
    const sc = c ? axisScale(c) : undefined;
    const w = width - PAD.left - PAD.right;
    const h = height - PAD.top - PAD.bottom;
    const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#ccc';
    ctx.strokeStyle = fg;
    ctx.fillStyle = fg;
    ctx.font = '11px sans-serif';
    ctx.strokeRect(PAD.left, PAD.top, w, h);
    ctx.textAlign = 'center';
    for (const t of sx.ticks()) ctx.fillText(t.label.length > 14 ? `${t.label.slice(0, 13)}…` : t.label, PAD.left + t.unit * w, PAD.top + h + 14);
    ctx.fillText(`${x.name}${x.scale === 'log' ? ' (log)' : ''}`, PAD.left + w / 2, height - 6);
    ctx.textAlign = 'right';
    for (const t of sy.ticks()) ctx.fillText(t.label.length > 10 ? `${t.label.slice(0, 9)}…` : t.label, PAD.left - 4, PAD.top + (1 - t.unit) * h + 4);
    ctx.save();
    ctx.translate(12, PAD.top + h / 2);
    ctx.rotate(-Math.PI / 2);
    ctx.textAlign = 'center';
    ctx.fillText(y.name, 0, 0);
    ctx.restore();
    const n = data.runs.length;
    // Faint points first, so the kept ones stay on top.
    for (const pass of [false, true]) {
      for (let i = 0; i < n; i++) {
        const isKept = !kept || kept.has(i);
        if (isKept !== pass) continue;
        const ux = sx.toUnit(x.values[i] ?? Number.NaN);
        const uy = sy.toUnit(y.values[i] ?? Number.NaN);
        if (Number.isNaN(ux) || Number.isNaN(uy)) continue;
        const px = PAD.left + ux * w;
        const py = PAD.top + (1 - uy) * h;
        ctx.globalAlpha = isKept ? 0.85 : 0.15;
        ctx.fillStyle = colorOf(sc && c ? sc.toUnit(c.values[i] ?? Number.NaN) : 0.5);
        ctx.beginPath();
        ctx.arc(px, py, 3, 0, Math.PI * 2);
        ctx.fill();
        if (isKept) this.points.push({ run: i, x: px, y: py });
      }
    }
    ctx.globalAlpha = 1;
    this.points.sort((a, b) => a.x - b.x || a.y - b.y);
    this.focused = focusedRun === undefined ? -1 : this.points.findIndex((p) => p.run === focusedRun);
    const still = this.points[this.focused];
    if (still) this.show(still);
    else this.tooltip.style.display = 'none';
    this.canvas.dataset.points = String(this.points.length);
  }

  private nearest(e: MouseEvent): Point | undefined {
    const r = this.canvas.getBoundingClientRect();
    const x = e.clientX - r.left;
    const y = e.clientY - r.top;
    let best: Point | undefined;
    let bestD = 8 * 8;
    for (const p of this.points) {
      const d = (p.x - x) ** 2 + (p.y - y) ** 2;
      if (d <= bestD) { best = p; bestD = d; }
    }
    return best;
  }

  private show(p: Point): void {
    const data = this.data;
    const run = data?.runs[p.run];
    if (!data || !run) return;
    const { x, y, c } = this.dims;
    const lines = [run.name, ...[x, y, c].flatMap((d) => (d ? [`${d.name}: ${valueText(d, d.values[p.run])}`] : []))];
    this.tooltip.replaceChildren(...lines.map((l, i) => el('div', { className: i === 0 ? 'tip-name' : '' }, l)));
    this.tooltip.style.display = 'block';
    this.tooltip.style.left = `${p.x + 10}px`;
    this.tooltip.style.top = `${p.y + 10}px`;
    this.tooltip.dataset.x = String(p.x);
    this.tooltip.dataset.y = String(p.y);
  }

  private hover(e: PointerEvent): void {
    const p = this.nearest(e);
    this.canvas.style.cursor = p ? 'pointer' : 'default';
    if (p) this.show(p); else this.tooltip.style.display = 'none';
  }

  private key(e: KeyboardEvent): void {
    if (this.points.length === 0) return;
    if (e.key === 'ArrowRight' || e.key === 'ArrowLeft') {
      const step = e.key === 'ArrowRight' ? 1 : -1;
      this.focused = (this.focused + step + this.points.length) % this.points.length;
      const p = this.points[this.focused];
      if (p) this.show(p);
      e.preventDefault();
    } else if (e.key === 'Enter') {
      const p = this.points[this.focused];
      const id = p && this.data?.runs[p.run]?.id;
      if (id) this.openRun(id);
    }
  }
}

/** Every pair of `keys` (at most six) as small scatters; the diagonal names the dimension. */
export function drawMatrix(canvas: HTMLCanvasElement, data: AnalysisData, keys: readonly string[], colorKey: string | undefined, kept: ReadonlySet<number> | undefined, width: number): void {
  const dims = keys.slice(0, 6).flatMap((k) => data.dimensions.filter((d) => d.key === k));
  const n = dims.length;
  const cell = n ? Math.floor(Math.min(width, 720) / n) : 0;
  const size = cell * n;
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.max(1, Math.round(size * ratio));
  canvas.height = Math.max(1, Math.round(size * ratio));
  canvas.style.width = `${size}px`;
  canvas.style.height = `${size}px`;
  const ctx = canvas.getContext('2d');
  if (!ctx || n === 0) return;
  ctx.setTransform(ratio, 0, 0, ratio, 0, 0);
  const fg = getComputedStyle(document.body).getPropertyValue('--vscode-foreground').trim() || '#ccc';
  const scales = dims.map(axisScale);
  const color = data.dimensions.find((d) => d.key === colorKey);
  const sc = color ? axisScale(color) : undefined;
  ctx.font = '11px sans-serif';
  dims.forEach((dy, r) => dims.forEach((dx, c) => {
    const x0 = c * cell;
    const y0 = r * cell;
    ctx.globalAlpha = 0.5;
    ctx.strokeStyle = fg;
    ctx.strokeRect(x0 + 0.5, y0 + 0.5, cell - 1, cell - 1);
    ctx.globalAlpha = 1;
    if (r === c) {
      ctx.fillStyle = fg;
      ctx.textAlign = 'center';
      ctx.fillText(dx.name.length > 18 ? `${dx.name.slice(0, 17)}…` : dx.name, x0 + cell / 2, y0 + cell / 2);
      return;
    }
    const sx = scales[c];
    const sy = scales[r];
    if (!sx || !sy) return;
    for (let i = 0; i < data.runs.length; i++) {
      const ux = sx.toUnit(dx.values[i] ?? Number.NaN);
      const uy = sy.toUnit(dy.values[i] ?? Number.NaN);
      if (Number.isNaN(ux) || Number.isNaN(uy)) continue;
      ctx.globalAlpha = !kept || kept.has(i) ? 0.8 : 0.12;
      ctx.fillStyle = colorOf(sc && color ? sc.toUnit(color.values[i] ?? Number.NaN) : 0.5);
      ctx.fillRect(x0 + 4 + ux * (cell - 8) - 1, y0 + 4 + (1 - uy) * (cell - 8) - 1, 2, 2);
    }
    ctx.globalAlpha = 1;
  }));
}
