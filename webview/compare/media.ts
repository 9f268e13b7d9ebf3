// The compare panel's Media section (issue 17): images with a step slider, histograms over steps, curves, confusion
// matrices, tables and Markdown text of the compared runs. main.ts only creates it, puts its root in the page and
// hands it the `media` and `mediaTable` messages; everything else is here.
import type { CompareRun, CompareToHostMessage } from '../../src/shared/webviews/compare/contract';
import type { CompareMedia, ImageItem, KeySeries, MediaTable, TableItem } from '../../src/shared/webviews/media/contract';
import { MEDIA_FILE } from '../../src/shared/webviews/media/contract';
import { clear, el } from '../shared/dom';
import { CurveCard, HistogramCard, matrixCard } from './mediaCharts';
import { ImageCard, Lightbox } from './mediaImages';
import { VirtualTable } from './mediaTable';
import { renderMarkdown } from './mediaText';

type Post = (message: CompareToHostMessage) => void;

export class MediaSection {
  readonly root: HTMLElement;
  private readonly body: HTMLElement;
  private readonly note: HTMLElement;
  private readonly lightbox = new Lightbox();
  private images = new Map<string, ImageCard>();
  private charts: { destroy(): void }[] = [];
  private tableBoxes = new Map<string, HTMLElement>();
  private runs = new Map<string, CompareRun>();
  private media: CompareMedia | undefined;

  constructor(private readonly post: Post) {
    this.body = el('div', { className: 'media-body' });
    this.note = el('div', { className: 'status', attrs: { role: 'status' } });
    this.note.hidden = true;
    this.root = el('section', { className: 'media-section' }, el('h2', {}, 'Media'), this.note, this.body, this.lightbox.root);
    this.root.hidden = true;
  }

  /**
   * The page's runs changed (a new comparison, a rename, new colours): the media shown are labelled anew. Media can
   * come before the comparison that names their runs (a page started over), so they are never left with bare ids.
   */
  setRuns(runs: readonly CompareRun[]): void {
    const same = runs.length === this.runs.size && runs.every((r) => {
      const shown = this.runs.get(r.id);
      return shown?.name === r.name && shown.color === r.color;
    });
    if (!same && this.media) this.render(this.media, runs);
    else if (!same) this.runs = new Map(runs.map((r) => [r.id, r]));
  }

  /** The runs' rich values (again when a live run logs more: image cards keep their slider). */
  render(media: CompareMedia, runs: readonly CompareRun[]): void {
    const started = performance.now();
    this.media = media;
    this.runs = new Map(runs.map((r) => [r.id, r]));
    const bases = new Map(media.bases.map((b) => [b.runId, b.base]));
    const count = media.images.length + media.histograms.length + media.tables.length + media.matrices.length + media.curves.length + media.texts.length;
    this.root.hidden = count === 0 && media.skipped.length === 0;
    const skipped = media.skipped.map((s) => `${s.count} ${s.type}`).join(', ');
    this.note.hidden = skipped === '';
    this.note.textContent = skipped ? `Not shown (logged by a newer SDK; update the extension to see them): ${skipped}.` : '';
    const steps = new Map([...this.images].map(([key, card]) => [key, card.step]));
    for (const chart of this.charts.splice(0)) chart.destroy();
    clear(this.body);
    this.tableBoxes.clear();
    const nextImages = new Map<string, ImageCard>();
    const ctx = { runs: this.runs, bases, enlarge: (src: string, caption: string) => this.lightbox.show(src, caption) };
    for (const series of media.images) {
      // Kept (with its slider) while its runs are the same; a run added, renamed or recoloured gets new columns.
      const existing = this.images.get(series.key);
      const card = existing?.fits(series, this.runs) ? existing : new ImageCard(series, ctx, steps.get(series.key));
      if (card === existing) existing.update(series);
      nextImages.set(series.key, card);
      this.body.append(card.root);
    }
    this.images = nextImages;
    for (const series of media.histograms) this.addChart(new HistogramCard(series, this.runs));
    for (const series of media.curves) this.addChart(new CurveCard(series, this.runs));
    for (const series of media.matrices) this.body.append(matrixCard(series, this.runs));
    for (const series of media.tables) this.body.append(this.tableCard(series));
    for (const series of media.texts) this.body.append(this.textCard(series));
    document.body.dataset.mediaMs = String(performance.now() - started);
    document.body.dataset.media = String(Date.now());
  }

  private addChart(card: { root: HTMLElement; destroy(): void }): void {
    this.charts.push(card);
    this.body.append(card.root);
  }

  /** A table key: the run and step to show are chosen here; its cells are asked of the host. */
  private tableCard(series: KeySeries<TableItem>): HTMLElement {
    const choice = el('select', { attrs: { 'aria-label': `${series.key}: run and step` } });
    for (const run of series.runs) {
      run.steps.forEach((step, i) => {
        const item = run.items[i]?.[0];
        if (!item || !MEDIA_FILE.test(item.file)) return;
        const option = el('option', { attrs: { value: `${run.runId}\n${item.file}` } }, `${this.runs.get(run.runId)?.name ?? run.runId} · step ${step} · ${item.rows} rows`);
        choice.append(option);
      });
    }
    choice.selectedIndex = choice.options.length - 1;
    const box = el('div', { className: 'media-table-box' }, 'Loading…');
    this.tableBoxes.set(series.key, box);
    const load = (): void => {
      const [runId, file] = choice.value.split('\n');
      if (runId === undefined || file === undefined) return;
      box.dataset.want = `${runId}\n${file}`;
      this.post({ type: 'loadTable', runId, file });
    };
    choice.addEventListener('change', load);
    if (choice.options.length) load();
    return el('div', { className: 'media-card', attrs: { 'data-key': series.key, 'data-kind': 'table' } },
      el('div', { className: 'chart-title' }, el('h3', {}, series.key), choice), box);
  }

  /** The cells of a table the page asked for. */
  showTable(table: MediaTable): void {
    for (const box of this.tableBoxes.values()) {
      if (box.dataset.want !== `${table.runId}\n${table.file}`) continue;
      clear(box);
      if (table.error !== undefined) box.append(el('div', { className: 'status' }, table.error));
      else box.append(new VirtualTable(table).root);
    }
  }

  /** Text keys: each run's last logged Markdown, sanitised. */
  private textCard(series: KeySeries<{ markdown: string }>): HTMLElement {
    const columns = el('div', { className: 'media-columns' });
    for (const run of series.runs) {
      const last = run.items.length - 1;
      const item = run.items[last]?.[0];
      if (!item) continue;
      columns.append(el('div', { className: 'media-column', attrs: { 'data-run': run.runId } },
        el('div', { className: 'media-run' }, `${this.runs.get(run.runId)?.name ?? run.runId} · step ${run.steps[last] ?? ''}`),
        renderMarkdown(item.markdown, (url) => this.post({ type: 'openLink', url }))));
    }
    return el('div', { className: 'media-card', attrs: { 'data-key': series.key, 'data-kind': 'text' } },
      el('div', { className: 'chart-title' }, el('h3', {}, series.key)), columns);
  }

  /** For the tests and the benchmark: the image keys shown. */
  imageKeys(): string[] {
    return this.media?.images.map((s: KeySeries<ImageItem>) => s.key) ?? [];
  }
}
