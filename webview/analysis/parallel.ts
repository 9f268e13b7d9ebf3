// Parallel coordinates on three stacked canvases: every run's line in faint grey at the bottom (drawn when the data,
// axes or size change, shown only while some brush is on), the kept runs' lines above it (one path per colour step),
// axes, ticks and brushes on top. A brush's frame strokes only the kept lines: rasterising the canvas is most of a
// frame's cost (software rendering: 2,000 lines ≈ 30–60 ms on a loaded 2-core machine), so a narrow brush is drawn
// in a fraction of that, and the brushed-out lines cost nothing per frame. The points' heights and the theme's colours
// are worked out once per set(), not per frame. Brushing: drag along an axis to keep a range (categorical axes keep
// the categories inside it); click an axis without dragging to clear its brush. A drag redraws once per animation
// frame; each redraw is measured as a performance entry named "analysis-draw" (the benchmark reads it).
import { isRangeBrush, passes, type Brush } from '../../src/shared/webviews/analysis/brush';
import type { AnalysisData, AnalysisDimension } from '../../src/shared/webviews/analysis/contract';
import { el } from '../shared/dom';
import { colorStep, MISSING, PALETTE, STEPS } from './colors';
import { axisScale, type AxisScale } from './scales';

const PAD = { top: 34, bottom: 26, left: 40, right: 40 };
const HEIGHT = 360;
const AXIS_HIT = 14;
/** Copies of the lines canvas kept while a drag widens: one each time an eighth of the runs more is on it. */
const SNAPSHOTS = 8;

interface Axis { d: AnalysisDimension; scale: AxisScale; x: number }

export class ParallelPlot {
  readonly element: HTMLElement;
  private readonly faint = document.createElement('canvas');
  private readonly lines = document.createElement('canvas');
  private readonly overlay = document.createElement('canvas');
  /** Each axis's point heights per run (NaN where missing), from set(). */
  private ys: Float64Array[] = [];
  /** Runs whose line is on the lines canvas now (1), so a frame that only adds runs draws only those. */
  private onCanvas = new Uint8Array(0);
  private onCount = 0;
  /**
   * The drag in progress's copies of the lines canvas, fewest runs first, each with its runs: a frame that drops
   * runs starts from the newest copy whose runs are all still kept and strokes only the rest.
   */
  private snapshots: Array<{ canvas: HTMLCanvasElement; runs: Uint8Array; count: number }> = [];
  private colors = { fg: '#ccc', accent: '#3794ff' };
  private data: AnalysisData | undefined;
  private axes: Axis[] = [];
  private colorUnits: Float64Array = new Float64Array(0);
  private readonly brushes = new Map<string, Brush>();
  private drag: { axis: Axis; from: number; to: number } | undefined;
  private frame = 0;
  private width = 800;

  constructor(private readonly onBrush: (brushes: Brush[]) => void) {
    this.faint.className = 'pcp-faint';
    this.faint.style.visibility = 'hidden';
    this.lines.className = 'pcp-lines';
    this.overlay.className = 'pcp-overlay';
    this.overlay.setAttribute('aria-label', 'Parallel coordinates: drag along an axis to brush it, click it to clear');
    this.element = el('div', { className: 'pcp' }, this.faint, this.lines, this.overlay);
    this.overlay.addEventListener('pointerdown', (e) => this.down(e));
    this.overlay.addEventListener('pointermove', (e) => this.move(e));
    this.overlay.addEventListener('pointerup', (e) => this.up(e));
  }

  current(): Brush[] {
    return [...this.brushes.values()];
  }

  /**
   * Brushes saved with the page's state, put back before the first set() (which drops those on axes not shown).
   * A categorical brush names categories by index: indexes past the axis's categories are dropped then too.
   */
  restore(brushes: readonly Brush[]): void {
    for (const b of brushes) this.brushes.set(b.key, b);
  }

  clearBrushes(): void {
    this.brushes.clear();
    this.snapshots = [];
    this.redraw();
    this.onBrush([]);
  }

  /** Shows `data` on `axisKeys` (in order), lines coloured by the dimension `colorKey`. Brushes on axes still shown stay. */
  set(data: AnalysisData, axisKeys: readonly string[], colorKey: string | undefined, width: number): void {
    this.data = data;
    this.width = Math.max(320, width);
    const dims = axisKeys.flatMap((k) => data.dimensions.filter((d) => d.key === k));
    const inner = this.width - PAD.left - PAD.right;
    this.axes = dims.map((d, i) => ({ d, scale: axisScale(d), x: PAD.left + (dims.length <= 1 ? inner / 2 : (i * inner) / (dims.length - 1)) }));
    for (const [key, b] of [...this.brushes]) {
      const axis = this.axes.find((a) => a.d.key === key);
      if (!axis || isRangeBrush(b) !== (axis.d.scale !== 'category')) this.brushes.delete(key);
      else if (!isRangeBrush(b) && b.categories.some((c) => c >= axis.d.categories.length)) {
        this.brushes.set(key, { key, categories: b.categories.filter((c) => c < axis.d.categories.length) });
      }
    }
    const color = data.dimensions.find((d) => d.key === colorKey);
    const scale = color ? axisScale(color) : undefined;
    this.colorUnits = Float64Array.from({ length: data.runs.length }, (_, i) => (color && scale ? scale.toUnit(color.values[i] ?? Number.NaN) : Number.NaN));
    const n = data.runs.length;
    // Resizing (below) clears the canvases: no line is on them.
    this.onCanvas = new Uint8Array(n);
    this.onCount = 0;
    this.snapshots = [];
    this.ys = this.axes.map((a) => {
      const out = new Float64Array(n);
      for (let i = 0; i < n; i++) out[i] = this.y(a.scale.toUnit(a.d.values[i] ?? Number.NaN));
      return out;
    });
    const style = getComputedStyle(document.body);
    this.colors = {
      fg: style.getPropertyValue('--vscode-foreground').trim() || '#ccc',
      accent: style.getPropertyValue('--vscode-focusBorder').trim() || '#3794ff',
    };
    const ratio = window.devicePixelRatio || 1;
    for (const c of [this.faint, this.lines, this.overlay]) {
      c.width = Math.round(this.width * ratio);
      c.height = Math.round(HEIGHT * ratio);
      c.style.width = `${this.width}px`;
      c.style.height = `${HEIGHT}px`;
      c.getContext('2d')?.setTransform(ratio, 0, 0, ratio, 0, 0);
    }
    this.element.style.height = `${HEIGHT}px`;
    this.element.style.width = `${this.width}px`;
    this.drawFaint();
    this.redraw();
  }

  private y(unit: number): number {
    return PAD.top + (1 - unit) * (HEIGHT - PAD.top - PAD.bottom);
  }

  private unitAt(y: number): number {
    return Math.max(0, Math.min(1, 1 - (y - PAD.top) / (HEIGHT - PAD.top - PAD.bottom)));
  }

  /** One run's polyline into `path`; a missing value breaks the line there. */
  private trace(path: Path2D, i: number): void {
    let drawing = false;
    for (let k = 0; k < this.axes.length; k++) {
      const y = this.ys[k]?.[i] ?? Number.NaN;
      if (Number.isNaN(y)) { drawing = false; continue; }
      const x = this.axes[k]?.x ?? 0;
      if (drawing) path.lineTo(x, y); else path.moveTo(x, y);
      drawing = true;
    }
  }

  /** Every run's line in faint grey: what the brushes leave out shows through from here. */
  private drawFaint(): void {
    const ctx = this.faint.getContext('2d');
    const data = this.data;
    if (!ctx || !data) return;
    ctx.clearRect(0, 0, this.width, HEIGHT);
    if (this.axes.length === 0) return;
    const path = new Path2D();
    for (let i = 0; i < data.runs.length; i++) this.trace(path, i);
    ctx.lineWidth = 1;
    ctx.globalAlpha = 0.12;
    ctx.strokeStyle = MISSING;
    ctx.stroke(path);
    ctx.globalAlpha = 1;
  }

  redraw(): void {
    const start = performance.now();
    this.drawLines();
    this.drawOverlay();
    performance.measure('analysis-draw', { start, end: performance.now() });
  }

  /**
   * The kept runs' lines. A frame that only adds runs to those on the canvas (a brush dragged wider, the usual
   * motion) strokes just the added ones over what is there; one that drops a run (dragged back) clears the canvas,
   * puts back the drag's newest copy whose runs are all still kept, and strokes the kept runs not on it. Either way
   * each kept run's line is on the canvas once, in its colour.
   */
  private drawLines(): void {
    const ctx = this.lines.getContext('2d');
    const data = this.data;
    if (!ctx || !data) return;
    const brushes = this.liveBrushes();
    this.faint.style.visibility = brushes.length > 0 ? 'visible' : 'hidden';
    const n = data.runs.length;
    if (this.onCanvas.length !== n) this.onCanvas = new Uint8Array(n);
    if (this.axes.length === 0) {
      ctx.clearRect(0, 0, this.width, HEIGHT);
      this.onCanvas.fill(0);
      this.onCount = 0;
      return;
    }
    // The brushes' columns, looked up once per frame (not per run).
    const checks = brushes.map((b) => ({ b, values: this.axes.find((a) => a.d.key === b.key)?.d.values }));
    const kept = new Uint8Array(n);
    let dropped = false;
    outer: for (let i = 0; i < n; i++) {
      for (const { b, values } of checks) {
        if (!values || !passes(b, values[i])) {
          if (this.onCanvas[i]) dropped = true;
          continue outer;
        }
      }
      kept[i] = 1;
    }
    if (dropped) {
      ctx.clearRect(0, 0, this.width, HEIGHT);
      this.onCanvas.fill(0);
      this.onCount = 0;
      const start = this.snapshots.filter((snap) => snap.runs.every((on, i) => !on || kept[i] === 1)).pop();
      if (start) {
        ctx.drawImage(start.canvas, 0, 0, this.width, HEIGHT);
        this.onCanvas.set(start.runs);
        this.onCount = start.count;
      }
    }
    const paths: Path2D[] = Array.from({ length: STEPS + 1 }, () => new Path2D());
    const missing = STEPS;
    for (let i = 0; i < n; i++) {
      if (!kept[i] || this.onCanvas[i]) continue;
      this.onCanvas[i] = 1;
      this.onCount++;
      const step = colorStep(this.colorUnits[i] ?? Number.NaN);
      const path = paths[step < 0 ? missing : step];
      if (path) this.trace(path, i);
    }
    ctx.lineWidth = 1;
    ctx.globalAlpha = n > 500 ? 0.35 : 0.7;
    ctx.strokeStyle = MISSING;
    const missingPath = paths[missing];
    if (missingPath) ctx.stroke(missingPath);
    for (let s = 0; s < STEPS; s++) {
      const p = paths[s];
      if (!p) continue;
      ctx.strokeStyle = PALETTE[s] ?? MISSING;
      ctx.stroke(p);
    }
    ctx.globalAlpha = 1;
    if (this.drag) this.keepSnapshot(n);
  }

  /** While dragging: a copy of the lines canvas each time an eighth of the runs more is on it than on the last copy. */
  private keepSnapshot(n: number): void {
    const last = this.snapshots[this.snapshots.length - 1];
    if (this.snapshots.length >= SNAPSHOTS || this.onCount < (last?.count ?? 0) + n / SNAPSHOTS) return;
    const canvas = document.createElement('canvas');
    canvas.width = this.lines.width;
    canvas.height = this.lines.height;
    const ctx = canvas.getContext('2d');
    if (!ctx) return;
    ctx.drawImage(this.lines, 0, 0);
    this.snapshots.push({ canvas, runs: this.onCanvas.slice(), count: this.onCount });
  }

  private drawOverlay(): void {
    const ctx = this.overlay.getContext('2d');
    if (!ctx) return;
    const { fg, accent } = this.colors;
    ctx.clearRect(0, 0, this.width, HEIGHT);
    ctx.font = '11px sans-serif';
    ctx.fillStyle = fg;
    ctx.strokeStyle = fg;
    for (const a of this.axes) {
      ctx.globalAlpha = 0.8;
      ctx.beginPath();
      ctx.moveTo(a.x, this.y(1));
      ctx.lineTo(a.x, this.y(0));
      ctx.stroke();
      ctx.globalAlpha = 1;
      ctx.textAlign = 'center';
      const title = a.d.name.length > 22 ? `${a.d.name.slice(0, 21)}…` : a.d.name;
      ctx.fillText(`${title}${a.d.scale === 'log' ? ' (log)' : ''}`, a.x, 14);
      ctx.fillText(a.d.source === 'param' ? '' : a.d.source, a.x, 26);
      ctx.textAlign = 'left';
      for (const t of a.scale.ticks()) {
        const label = t.label.length > 14 ? `${t.label.slice(0, 13)}…` : t.label;
        ctx.fillText(label, a.x + 4, this.y(t.unit) + 4);
      }
    }
    ctx.fillStyle = accent;
    ctx.globalAlpha = 0.3;
    for (const a of this.axes) {
      const range = this.brushPixels(a);
      if (range) ctx.fillRect(a.x - 6, range[0], 12, Math.max(2, range[1] - range[0]));
    }
    ctx.globalAlpha = 1;
  }

  /** The brush's extent on its axis in pixels (top, bottom). */
  private brushPixels(a: Axis): [number, number] | undefined {
    if (this.drag?.axis === a) return [Math.min(this.drag.from, this.drag.to), Math.max(this.drag.from, this.drag.to)];
    const b = this.brushes.get(a.d.key);
    if (!b) return undefined;
    if (isRangeBrush(b)) {
      const top = this.y(a.scale.toUnit(b.max));
      const bottom = this.y(a.scale.toUnit(b.min));
      return [Math.min(top, bottom), Math.max(top, bottom)];
    }
    const ys = b.categories.map((c) => this.y(a.scale.toUnit(c)));
    return ys.length ? [Math.min(...ys) - 4, Math.max(...ys) + 4] : undefined;
  }

  /** The committed brushes, with the one being dragged in place of its axis's. */
  private liveBrushes(): Brush[] {
    const out = new Map(this.brushes);
    if (this.drag) {
      const b = this.brushFor(this.drag.axis, this.drag.from, this.drag.to);
      if (b) out.set(b.key, b);
    }
    return [...out.values()];
  }

  private brushFor(a: Axis, y0: number, y1: number): Brush | undefined {
    const lo = this.unitAt(Math.max(y0, y1));
    const hi = this.unitAt(Math.min(y0, y1));
    if (a.d.scale === 'category') {
      const categories = a.d.categories.flatMap((_, c) => { const u = a.scale.toUnit(c); return u >= lo && u <= hi ? [c] : []; });
      return { key: a.d.key, categories };
    }
    return { key: a.d.key, min: a.scale.fromUnit(lo), max: a.scale.fromUnit(hi) };
  }

  private axisAt(x: number): Axis | undefined {
    let best: Axis | undefined;
    for (const a of this.axes) if (Math.abs(a.x - x) <= AXIS_HIT && (!best || Math.abs(a.x - x) < Math.abs(best.x - x))) best = a;
    return best;
  }

  private point(e: PointerEvent): { x: number; y: number } {
    const r = this.overlay.getBoundingClientRect();
    return { x: e.clientX - r.left, y: e.clientY - r.top };
  }

  private down(e: PointerEvent): void {
    const p = this.point(e);
    const axis = this.axisAt(p.x);
    if (!axis) return;
    this.overlay.setPointerCapture(e.pointerId);
    this.drag = { axis, from: p.y, to: p.y };
    this.snapshots = [];
  }

  private move(e: PointerEvent): void {
    const p = this.point(e);
    this.overlay.style.cursor = this.drag || this.axisAt(p.x) ? 'ns-resize' : 'default';
    if (!this.drag) return;
    this.drag.to = p.y;
    if (!this.frame) this.frame = requestAnimationFrame(() => { this.frame = 0; this.redraw(); });
  }

  private up(e: PointerEvent): void {
    const drag = this.drag;
    if (!drag) return;
    drag.to = this.point(e).y;
    this.drag = undefined;
    this.snapshots = [];
    if (Math.abs(drag.to - drag.from) < 3) {
      this.brushes.delete(drag.axis.d.key);
    } else {
      const b = this.brushFor(drag.axis, drag.from, drag.to);
      if (b) this.brushes.set(b.key, b);
    }
    this.redraw();
    this.onBrush(this.current());
  }
}
