// Logged images of one key: one column per run, one step slider shared by the runs (each shows its logged step
// nearest to the slider's), captions, click to enlarge. Images load lazily from the run's media folder through the
// webview's resource roots (img-src is the webview's own source only); nothing is sent as bytes.
import { nearestStep, MEDIA_FILE, type ImageItem, type KeySeries } from '../../src/shared/webviews/media/contract';
import type { CompareRun } from '../../src/shared/webviews/compare/contract';
import { clear, el } from '../shared/dom';

export interface ImageCardContext {
  runs: ReadonlyMap<string, CompareRun>;
  bases: ReadonlyMap<string, string>;
  enlarge(src: string, caption: string): void;
}

/** All steps any run logged, ascending (the slider's stops). */
function unionSteps(series: KeySeries<ImageItem>): number[] {
  const all = new Set<number>();
  for (const run of series.runs) for (const s of run.steps) all.add(s);
  return [...all].sort((a, b) => a - b);
}

/** What a card's column heads show: each run's id, name and colour, in order. */
function columnsOf(series: KeySeries<ImageItem>, runs: ReadonlyMap<string, CompareRun>): string {
  return JSON.stringify(series.runs.map((r) => [r.runId, runs.get(r.runId)?.name, runs.get(r.runId)?.color]));
}

export class ImageCard {
  readonly root: HTMLElement;
  private readonly slider: HTMLInputElement;
  private readonly stepLabel: HTMLElement;
  private readonly columns: { runId: string; stepText: HTMLElement; cell: HTMLElement }[] = [];
  private steps: number[];
  private frame: number | undefined;

  /** The runs its columns name (ids, names, colours): a card whose runs changed is built anew (see fits). */
  private readonly shownRuns: string;

  constructor(private series: KeySeries<ImageItem>, private readonly ctx: ImageCardContext, step: number | undefined) {
    this.shownRuns = columnsOf(series, ctx.runs);
    this.steps = unionSteps(series);
    this.slider = el('input', { attrs: { type: 'range', min: '0', max: String(Math.max(0, this.steps.length - 1)), step: '1', 'aria-label': `${series.key} step` } });
    this.stepLabel = el('output', { className: 'media-step' });
    const grid = el('div', { className: 'media-columns' });
    for (const run of series.runs) {
      const info = ctx.runs.get(run.runId);
      const stepText = el('span', { className: 'media-run-step' });
      const cell = el('div', { className: 'media-cell' });
      const head = el('div', { className: 'media-run' }, el('span', { className: 'swatch' }), info?.name ?? run.runId, ' ', stepText);
      const swatch = head.firstElementChild as HTMLElement;
      swatch.style.background = info?.color ?? 'gray';
      grid.append(el('div', { className: 'media-column', attrs: { 'data-run': run.runId } }, head, cell));
      this.columns.push({ runId: run.runId, stepText, cell });
    }
    this.root = el('div', { className: 'media-card', attrs: { 'data-key': series.key, 'data-kind': 'image' } },
      el('div', { className: 'chart-title' }, el('h3', {}, series.key)),
      el('label', { className: 'media-slider' }, 'Step ', this.slider, ' ', this.stepLabel),
      grid);
    const start = step === undefined ? this.steps.length - 1 : Math.max(0, nearestStep(this.steps, step));
    this.slider.value = String(start);
    // A drag delivers several inputs per frame: draw once per frame, with the latest value.
    this.slider.addEventListener('input', () => {
      if (this.frame !== undefined) return;
      this.frame = requestAnimationFrame(() => {
        this.frame = undefined;
        this.show();
      });
    });
    this.show();
  }

  /** Whether its columns are still those of `series` with these runs (same runs, names and colours). */
  fits(series: KeySeries<ImageItem>, runs: ReadonlyMap<string, CompareRun>): boolean {
    return columnsOf(series, runs) === this.shownRuns;
  }

  /** The slider's step (the one a redraw keeps). */
  get step(): number | undefined {
    return this.steps[Number(this.slider.value)];
  }

  /** New values of the same key and runs (a live run): keeps the step unless the slider sat on the last one. */
  update(series: KeySeries<ImageItem>): void {
    const atEnd = Number(this.slider.value) >= this.steps.length - 1;
    const step = this.step;
    this.series = series;
    this.steps = unionSteps(series);
    this.slider.max = String(Math.max(0, this.steps.length - 1));
    this.slider.value = String(atEnd || step === undefined ? this.steps.length - 1 : Math.max(0, nearestStep(this.steps, step)));
    this.show();
  }

  private show(): void {
    const started = performance.now();
    const step = this.step;
    this.stepLabel.textContent = step === undefined ? '' : String(step);
    for (const column of this.columns) {
      const run = this.series.runs.find((r) => r.runId === column.runId);
      const at = run && step !== undefined ? nearestStep(run.steps, step) : -1;
      const items = run && at >= 0 ? run.items[at] ?? [] : [];
      column.stepText.textContent = run && at >= 0 ? `step ${run.steps[at] ?? ''}` : 'no images';
      this.fill(column.cell, column.runId, items);
    }
    document.body.dataset.mediaSlideMs = String(performance.now() - started);
  }

  private fill(cell: HTMLElement, runId: string, items: readonly ImageItem[]): void {
    const base = this.ctx.bases.get(runId);
    const wanted = items.filter((i) => MEDIA_FILE.test(i.file)).map((i) => ({ item: i, src: base === undefined ? '' : `${base}/${i.file}` }));
    // Same images as shown (a slider move between steps of other runs): leave the DOM alone.
    if (cell.dataset.srcs === wanted.map((w) => w.src).join('\n')) return;
    cell.dataset.srcs = wanted.map((w) => w.src).join('\n');
    const figures = Array.from(cell.children) as HTMLElement[];
    // As many images as shown: only their sources and captions change (no new elements while the slider moves).
    if (figures.length === wanted.length) {
      wanted.forEach(({ item, src }, i) => this.setFigure(figures[i], item, src));
      return;
    }
    clear(cell);
    for (const { item, src } of wanted) {
      const figure = el('figure', { className: 'media-image', title: 'Click to enlarge' }, el('img', { attrs: { decoding: 'async' } }), el('figcaption'));
      figure.addEventListener('click', () => this.ctx.enlarge(figure.dataset.src ?? '', figure.dataset.caption ?? ''));
      this.setFigure(figure, item, src);
      cell.append(figure);
    }
  }

  private setFigure(figure: HTMLElement | undefined, item: ImageItem, src: string): void {
    const img = figure?.querySelector('img');
    const caption = figure?.querySelector('figcaption');
    if (!figure || !img || !caption) return;
    img.width = item.width;
    img.height = item.height;
    img.alt = item.caption ?? '';
    img.src = src;
    caption.textContent = item.caption ?? '';
    caption.hidden = item.caption === undefined;
    figure.dataset.src = src;
    figure.dataset.caption = item.caption ?? '';
  }
}

/** One overlay for enlarged images (Escape or a click closes it); its <img> is made on first use only. */
export class Lightbox {
  readonly root: HTMLElement;
  private img: HTMLImageElement | undefined;
  private readonly caption: HTMLElement;

  constructor() {
    this.caption = el('div', { className: 'media-lightbox-caption' });
    this.root = el('div', { className: 'media-lightbox', attrs: { role: 'dialog', 'aria-label': 'Enlarged image', tabindex: '-1' } }, this.caption);
    this.root.hidden = true;
    this.root.addEventListener('click', () => { this.root.hidden = true; });
    this.root.addEventListener('keydown', (e) => { if (e.key === 'Escape') this.root.hidden = true; });
  }

  show(src: string, caption: string): void {
    if (!this.img) {
      this.img = el('img', { attrs: { alt: '' } });
      this.root.prepend(this.img);
    }
    this.img.src = src;
    this.img.alt = caption;
    this.caption.textContent = caption;
    this.root.hidden = false;
    this.root.focus();
  }
}
