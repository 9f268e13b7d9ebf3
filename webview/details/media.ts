// The run details page's Media section (issue 17): each media key's latest value: images (loaded lazily from the
// run's media folder through the webview's resource roots; click to enlarge), a histogram's bins, a curve with its
// area, a confusion matrix, a table's first rows and Markdown text (sanitised; links open through the host, which
// asks first). Drawn on plain canvases: no chart library in this bundle. Run-supplied text only via textContent.
import { formatCount, formatNumber } from '../../src/shared/format';
import {
  edgesOf, MEDIA_FILE, type CurveItem, type HistogramItem, type ImageItem, type LatestMedia, type TableHead, type TableItem,
} from '../../src/shared/webviews/media/contract';
import { el } from '../shared/dom';
import { Lightbox } from '../compare/mediaImages';
import { matrixTable } from '../compare/mediaMatrix';
import { renderMarkdown } from '../compare/mediaText';

/** Images shown per key (a list of images can be long; the comparison shows them all). */
const MAX_IMAGES = 24;
const CHART_WIDTH = 320;
const CHART_HEIGHT = 140;

const theme = (name: string, fallback: string): string => getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
const CURVE_COLORS = ['--vscode-charts-blue', '--vscode-charts-orange', '--vscode-charts-green', '--vscode-charts-purple', '--vscode-charts-red'];

/** A canvas drawn at the chart size times the device's pixel ratio, with a 2D context scaled to chart units. */
function chartCanvas(label: string): { canvas: HTMLCanvasElement; g: CanvasRenderingContext2D | null } {
  const canvas = el('canvas', { attrs: { role: 'img', 'aria-label': label } });
  const ratio = window.devicePixelRatio || 1;
  canvas.width = CHART_WIDTH * ratio;
  canvas.height = CHART_HEIGHT * ratio;
  canvas.style.width = `${CHART_WIDTH}px`;
  canvas.style.height = `${CHART_HEIGHT}px`;
  const g = canvas.getContext('2d');
  g?.scale(ratio, ratio);
  return { canvas, g };
}

/** A histogram's bins as bars, each as wide as its bin (edges may be uneven). */
function histogramChart(item: HistogramItem): HTMLElement {
  const edges = edgesOf(item);
  const lo = edges[0] ?? 0;
  const hi = edges[edges.length - 1] ?? lo + 1;
  const total = item.counts.reduce((a, b) => a + b, 0);
  const { canvas, g } = chartCanvas(`histogram of ${formatCount(total)} values from ${formatNumber(lo)} to ${formatNumber(hi)}`);
  const most = Math.max(1, ...item.counts);
  if (g && hi > lo) {
    g.fillStyle = theme('--vscode-charts-blue', '#3794ff');
    item.counts.forEach((count, bin) => {
      const x0 = (((edges[bin] ?? lo) - lo) / (hi - lo)) * CHART_WIDTH;
      const x1 = (((edges[bin + 1] ?? hi) - lo) / (hi - lo)) * CHART_WIDTH;
      const h = (count / most) * (CHART_HEIGHT - 4);
      g.fillRect(x0, CHART_HEIGHT - h, Math.max(1, x1 - x0 - 0.5), h);
    });
  }
  const nonfinite = item.nonfinite ? ` · ${formatCount(item.nonfinite)} not finite` : '';
  return el('div', {}, canvas, el('div', { className: 'media-axis' }, `${formatNumber(lo)} … ${formatNumber(hi)} · ${formatCount(total)} values${nonfinite}`));
}

/** Curves of one key (one per item) on shared axes, each area (AP or AUC) in the legend text. */
function curveChart(items: readonly CurveItem[]): HTMLElement {
  let x0 = Infinity; let x1 = -Infinity; let y0 = Infinity; let y1 = -Infinity;
  for (const item of items) {
    for (const x of item.x) { x0 = Math.min(x0, x); x1 = Math.max(x1, x); }
    for (const y of item.y) { y0 = Math.min(y0, y); y1 = Math.max(y1, y); }
  }
  const first = items[0];
  const { canvas, g } = chartCanvas(`${first?.yLabel ?? 'y'} against ${first?.xLabel ?? 'x'}`);
  const pad = 4;
  const sx = (x: number): number => (x1 === x0 ? CHART_WIDTH / 2 : pad + ((x - x0) / (x1 - x0)) * (CHART_WIDTH - 2 * pad));
  const sy = (y: number): number => (y1 === y0 ? CHART_HEIGHT / 2 : CHART_HEIGHT - pad - ((y - y0) / (y1 - y0)) * (CHART_HEIGHT - 2 * pad));
  const legend: string[] = [];
  items.forEach((item, i) => {
    const area = item.auc === undefined ? '' : ` ${item.kind === 'pr' ? 'AP' : 'AUC'} ${item.auc.toFixed(3)}`;
    legend.push(`${item.kind}${area}`);
    if (!g) return;
    g.strokeStyle = theme(CURVE_COLORS[i % CURVE_COLORS.length] ?? '--vscode-charts-blue', '#3794ff');
    g.lineWidth = 1.5;
    g.beginPath();
    item.x.forEach((x, j) => {
      const y = item.y[j] ?? 0;
      if (j === 0) g.moveTo(sx(x), sy(y));
      else g.lineTo(sx(x), sy(y));
    });
    g.stroke();
  });
  const range = Number.isFinite(x0) ? `${first?.xLabel ?? 'x'} ${formatNumber(x0)} … ${formatNumber(x1)}, ${first?.yLabel ?? 'y'} ${formatNumber(y0)} … ${formatNumber(y1)}` : '';
  return el('div', {}, canvas, el('div', { className: 'media-legend-text' }, legend.join(' · ')), el('div', { className: 'media-axis' }, range));
}

/** A table's first rows; the comparison (Compare, then its Media section) shows and sorts the rest. */
function tableHead(item: TableItem | undefined, head: TableHead): HTMLElement {
  if (head.error !== undefined) return el('div', { className: 'status' }, head.error);
  const total = item?.rows ?? head.rows.length;
  return el('div', {},
    el('div', { className: 'media-table-info' }, head.rows.length < total ? `first ${formatCount(head.rows.length)} of ${formatCount(total)} rows` : `${formatCount(total)} rows`),
    el('table', { className: 'grid media-head' },
      el('thead', {}, el('tr', {}, ...head.columns.map((c) => el('th', { title: c }, c)))),
      el('tbody', {}, ...head.rows.map((row) => el('tr', {}, ...row.map((cell) => el('td', { title: cell }, cell)))))));
}

export class DetailsMedia {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly note: HTMLElement;
  private readonly lightbox = new Lightbox();
  /** Cards by what they show: a card whose value did not change is kept (its images stay loaded). */
  private cards = new Map<string, HTMLElement>();

  constructor(private readonly onLink: (url: string) => void) {
    this.body = el('div', { className: 'media-body' });
    this.note = el('p', { className: 'muted', attrs: { role: 'status' } });
    this.root = el('section', { className: 'media-section', attrs: { id: 'media' } }, el('h2', {}, 'Media'), this.note, this.body, this.lightbox.root);
    this.root.hidden = true;
  }

  render(media: LatestMedia): void {
    const count = media.images.length + media.histograms.length + media.tables.length + media.matrices.length + media.curves.length + media.texts.length;
    this.root.hidden = count === 0 && media.skipped.length === 0;
    const skipped = media.skipped.map((s) => `${formatCount(s.count)} ${s.type}`).join(', ');
    this.note.textContent = skipped ? `Not shown (logged by a newer SDK; update the extension to see them): ${skipped}.` : '';
    this.note.hidden = skipped === '';
    const next = new Map<string, HTMLElement>();
    const add = (kind: string, entry: { key: string; step: number }, build: () => Node): void => {
      const id = `${kind}\u0000${JSON.stringify(entry)}`;
      const card = this.cards.get(id) ?? el('div', { className: 'media-card', attrs: { 'data-key': entry.key, 'data-kind': kind } },
        el('div', { className: 'chart-title' }, el('h3', {}, entry.key), el('span', { className: 'muted media-step' }, `step ${entry.step}`)), build());
      next.set(id, card);
    };
    for (const entry of media.images) add('image', entry, () => this.images(media.base, entry.items));
    for (const entry of media.histograms) add('histogram', entry, () => (entry.items[0] ? histogramChart(entry.items[0]) : el('div')));
    for (const entry of media.curves) add('curve', entry, () => curveChart(entry.items));
    for (const entry of media.matrices) add('confusion_matrix', entry, () => (entry.items[0] ? matrixTable(entry.items[0]) : el('div')));
    for (const entry of media.tables) add('table', entry, () => tableHead(entry.items[0], entry.head));
    for (const entry of media.texts) add('text', entry, () => (entry.items[0] ? renderMarkdown(entry.items[0].markdown, this.onLink) : el('div')));
    this.cards = next;
    // Kept cards are moved, not rebuilt: only new or changed values make elements.
    this.body.replaceChildren(...next.values());
    document.body.dataset.media = String(Date.now());
  }

  /** Show media: brings the section into view (or says the run logged none). */
  reveal(): void {
    if (this.root.hidden) {
      this.root.hidden = false;
      this.note.hidden = false;
      this.note.textContent = 'This run has logged no media yet.';
    }
    this.root.scrollIntoView({ block: 'start' });
    document.body.dataset.mediaRevealed = String(Date.now());
  }

  private images(base: string, items: readonly ImageItem[]): HTMLElement {
    const cell = el('div', { className: 'media-cell' });
    for (const item of items.slice(0, MAX_IMAGES)) {
      if (!MEDIA_FILE.test(item.file)) continue;
      const src = `${base}/${item.file}`;
      const img = el('img', { attrs: { decoding: 'async', loading: 'lazy', alt: item.caption ?? '' } });
      img.width = item.width;
      img.height = item.height;
      img.src = src;
      const figure = el('figure', { className: 'media-image', title: 'Click to enlarge' }, img,
        item.caption !== undefined ? el('figcaption', {}, item.caption) : null);
      figure.addEventListener('click', () => this.lightbox.show(src, item.caption ?? ''));
      cell.append(figure);
    }
    if (items.length > MAX_IMAGES) cell.append(el('div', { className: 'muted' }, `and ${formatCount(items.length - MAX_IMAGES)} more (Compare shows them all)`));
    return cell;
  }
}
