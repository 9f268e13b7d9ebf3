// Grouping with bands in the comparison's charts (issue 16): runs grouped by a param's value, by the same params
// except one (seeds of one config), by a tag or by their set of tags, each group drawn as its mean or median line
// with a min–max or ± std band, its run count in the legend; "Ungroup" brings the runs back. The choices (and the
// groups hidden) are part of the page's saved state: they come back when the tab is shown again or the window reloads. Off by default, and then nothing here runs
// on the drawing path: charts.ts asks for grouped datasets only when the view has a grouping.
// Aggregation (alignment, gaps, lengths) is src/shared/webviews/compare/bands.ts; smoothing applies to the
// aggregated centre and band, so moving the slider does not aggregate again.
import { Chart, type ChartDataset } from 'chart.js';
import { aggregateSeries, type Band, type BandKind, type CenterStat } from '../../src/shared/webviews/compare/bands';
import type { CompareData, CompareRun, CompareViewState } from '../../src/shared/webviews/compare/contract';
import { groupOptions, groupRuns, tagOptions, tagsDiffer, type GroupBy } from '../../src/shared/webviews/compare/runGroups';
import { clear, el } from '../shared/dom';
import { TypedBandController, type TypedBandDataset } from './bandFill';
import type { BandsComputer } from './bandsClient';
import type { ChartLine, ValueAt } from './charts';
import { smooth } from './smoothing';
import { translucent } from './translucent';
import { nearestIndex, type TypedLineDataset } from './typedLines';

Chart.register(TypedBandController);

export interface ChartGroup {
  key: string;
  label: string;
  runIds: ReadonlySet<string>;
  color: string;
  hidden: boolean;
}

/** What a chart needs to draw groups; a new object whenever the grouping or its groups change. */
export interface GroupingView {
  groups: readonly ChartGroup[];
  center: CenterStat;
  band: BandKind;
}

const groupRunId = (key: string): string => `group:${key}`;

/** Group colours told apart at a glance (Tableau 10); past ten, hues by the golden angle. */
const PALETTE = ['#4e79a7', '#f28e2b', '#e15759', '#76b7b2', '#59a14f', '#edc948', '#b07aa1', '#ff9da7', '#9c755f', '#bab0ac'];
const groupColor = (i: number): string => PALETTE[i] ?? `hsl(${Math.round((i * 137.508) % 360)}, 60%, 50%)`;

interface DrawnGroup {
  group: ChartGroup;
  band: Band;
  runs: number;
  center: Float64Array;
}

type Aggregated = { signature: string; xs: Float64Array[]; ys: Float64Array[]; bands: Array<{ band: Band; runs: number }> };

/**
 * One chart's groups: aggregated once per change of lines or grouping, smoothed per smoothing. With a worker the
 * aggregation runs off the page's main thread and `onBands` asks for a redraw when it is back; meanwhile the chart
 * keeps what it shows (no empty frame between the runs and their groups, or between two bands).
 */
export class GroupedLines {
  private aggregated: Aggregated | undefined;
  /** The aggregation the worker is doing (its signature): the latest one asked for wins. */
  private asked: string | undefined;
  private drawn: DrawnGroup[] = [];

  constructor(private worker?: BandsComputer, private readonly onBands?: () => void) {}

  /** The groups' bands; undefined while the worker aggregates them. */
  private bands(lines: readonly ChartLine[], view: GroupingView): Array<{ group: ChartGroup; band: Band; runs: number }> | undefined {
    // Hiding a group changes no aggregate: the signature leaves `hidden` out.
    const signature = JSON.stringify([view.center, view.band, view.groups.map((g) => [g.key, [...g.runIds]])]);
    const a = this.aggregated;
    const same = a !== undefined && a.signature === signature && a.xs.length === lines.length
      && lines.every((l, i) => a.xs[i] === l.xs && a.ys[i] === l.ys);
    if (same) return this.withGroups(view, a.bands);
    const members = view.groups.map((group) => lines.filter((l) => group.runIds.has(l.run.id)));
    const options = { center: view.center, band: view.band };
    const aggregated = (bands: Band[]): Aggregated => ({
      signature, xs: lines.map((l) => l.xs), ys: lines.map((l) => l.ys), bands: bands.map((band, i) => ({ band, runs: members[i]?.length ?? 0 })),
    });
    const worker = this.worker;
    if (worker) {
      const key = `${signature}|${lines.length}`;
      if (this.asked !== key) {
        this.asked = key;
        worker.compute(members.map((m) => m.map((l) => ({ xs: l.xs, ys: l.ys }))), options).then((bands) => {
          if (this.asked !== key) return; // a newer grouping or newer lines were asked for since
          this.asked = undefined;
          this.aggregated = aggregated(bands);
          this.onBands?.();
        }, () => {
          // No worker after all: aggregate here from now on.
          this.worker = undefined;
          this.asked = undefined;
          this.onBands?.();
        });
      }
      return undefined; // until the worker answers, the chart stays as it is
    }
    const computed = aggregated(members.map((m) => aggregateSeries(m, options)));
    this.aggregated = computed;
    return this.withGroups(view, computed.bands);
  }

  private withGroups(view: GroupingView, bands: Aggregated['bands']): Array<{ group: ChartGroup; band: Band; runs: number }> {
    return view.groups.flatMap((group, i) => { const b = bands[i]; return b ? [{ group, ...b }] : []; });
  }

  /** Datasets for the chart: each group's band (drawn under the lines) and its centre line; undefined while aggregating. */
  datasets(lines: readonly ChartLine[], view: GroupingView, smoothing: number): Array<ChartDataset<'typedLine', never[]>> | undefined {
    const bands = this.bands(lines, view);
    if (!bands) return undefined;
    this.drawn = [];
    const out: Array<TypedLineDataset | TypedBandDataset> = [];
    for (const { group, band, runs } of bands) {
      if (runs === 0) continue;
      const center = smooth(band.center, smoothing);
      this.drawn.push({ group, band, runs, center });
      const label = `${group.label} (${runs} run${runs === 1 ? '' : 's'})`;
      out.push({
        type: 'typedBand', label, data: [], xs: band.xs, ys: center, lower: smooth(band.lower, smoothing), upper: smooth(band.upper, smoothing),
        borderColor: group.color, backgroundColor: translucent(group.color, 0.18), hidden: group.hidden, order: 1,
      } as unknown as TypedBandDataset);
      out.push({ type: 'typedLine', label, data: [], xs: band.xs, ys: center, borderColor: group.color, borderWidth: 2, hidden: group.hidden, order: 0 } as unknown as TypedLineDataset);
    }
    return out as unknown as Array<ChartDataset<'typedLine', never[]>>;
  }

  /** Each shown group's centre nearest to x (the tooltip's rows), as a pseudo-run named with its run count. */
  valuesAt(x: number, slack: number): ValueAt[] {
    const out: ValueAt[] = [];
    for (const { group, band, runs, center } of this.drawn) {
      const xs = band.xs;
      const first = xs[0];
      const last = xs[xs.length - 1];
      if (group.hidden || first === undefined || last === undefined || x < first - slack || x > last + slack) continue;
      const i = nearestIndex(xs, x);
      const y = center[i];
      const run: CompareRun = { id: groupRunId(group.key), name: `${group.label} (${band.counts[i] ?? 0} of ${runs} runs here)`, experiment: '', status: '', color: group.color };
      out.push({ run, x: xs[i] ?? x, y: y !== undefined && Number.isFinite(y) ? y : null });
    }
    return out;
  }
}

const NONE = '';
const SAME_TAGS = 'tags';

/** What the page saves of the grouping (CompareViewState.grouping). */
export type GroupingState = NonNullable<CompareViewState['grouping']>;

/** A grouping as its select's value (also how it is saved). */
function byValue(by: GroupBy | undefined): string {
  if (!by) return NONE;
  if (by.kind === 'tags') return SAME_TAGS;
  return by.kind === 'tag' ? `tag:${by.tag}` : `${by.kind}:${by.param}`;
}

function parseBy(value: string): GroupBy | undefined {
  if (value === SAME_TAGS) return { kind: 'tags' };
  const colon = value.indexOf(':');
  const kind = value.slice(0, colon);
  const name = value.slice(colon + 1);
  if (colon <= 0) return undefined;
  if (kind === 'tag') return { kind, tag: name };
  return kind === 'param' || kind === 'except' ? { kind, param: name } : undefined;
}

/** The toolbar's grouping controls and the groups' legend (shown instead of the runs' legend while grouped). */
export class Grouping {
  readonly controls: HTMLElement;
  readonly legend: HTMLElement;
  private readonly bySelect = el('select', { attrs: { 'aria-label': 'Group runs by' } });
  private readonly centerSelect = el('select', { attrs: { 'aria-label': 'Group line' } });
  private readonly bandSelect = el('select', { attrs: { 'aria-label': 'Group band' } });
  private readonly ungroup = el('button', { className: 'small', title: 'Draw every run again' }, 'Ungroup');
  private readonly list = el('div', { className: 'legend', attrs: { role: 'group', 'aria-label': 'Groups (click to hide or show)' } });
  private readonly count = el('span', { className: 'legend-count' });
  private by: GroupBy | undefined;
  private readonly hidden = new Set<string>();
  private data: CompareData | undefined;
  private view: GroupingView | undefined;

  constructor(private readonly changed: () => void, saved?: GroupingState) {
    this.centerSelect.append(el('option', { attrs: { value: 'mean' } }, 'Mean'), el('option', { attrs: { value: 'median' } }, 'Median'));
    this.bandSelect.append(el('option', { attrs: { value: 'minmax' } }, 'Min–max band'), el('option', { attrs: { value: 'std' } }, '± std band'));
    this.controls = el('span', { className: 'grouping' }, el('label', {}, 'Group ', this.bySelect), this.centerSelect, this.bandSelect, this.ungroup);
    this.legend = el('div', { className: 'legend-box group-legend' }, el('div', { className: 'legend-tools' }, this.count), this.list);
    this.bySelect.addEventListener('change', () => this.choose(parseBy(this.bySelect.value)));
    this.centerSelect.addEventListener('change', () => this.rebuild());
    this.bandSelect.addEventListener('change', () => this.rebuild());
    this.ungroup.addEventListener('click', () => this.choose(undefined));
    if (saved) {
      // Kept until the first data says whether its param or tag is still there (setData).
      this.by = parseBy(saved.by);
      this.centerSelect.value = saved.center;
      this.bandSelect.value = saved.band;
      for (const key of saved.hidden ?? []) this.hidden.add(key);
    }
    this.showControls();
  }

  get active(): boolean {
    return this.view !== undefined;
  }

  /** The grouping for the charts, or undefined when runs are drawn one by one. */
  chartView(): GroupingView | undefined {
    return this.view;
  }

  /** The choices to save with the page's state (what the constructor takes back). */
  savedState(): GroupingState {
    const hidden = [...this.hidden];
    return {
      by: byValue(this.by), center: this.centerSelect.value === 'median' ? 'median' : 'mean', band: this.bandSelect.value === 'std' ? 'std' : 'minmax',
      ...(hidden.length ? { hidden } : {}),
    };
  }

  /** New comparison data: the choices follow its params and tags; a grouping by one no longer there ends. */
  setData(data: CompareData): void {
    this.data = data;
    const options = groupOptions(data.params);
    const tags = data.runs.map((r) => r.tags);
    const tagChoices = tagOptions(tags, data.runs.length);
    clear(this.bySelect);
    this.bySelect.append(el('option', { attrs: { value: NONE } }, 'None'));
    if (options.length) {
      this.bySelect.append(
        el('optgroup', { attrs: { label: 'Same params except' } }, ...options.map((p) => el('option', { attrs: { value: `except:${p}` } }, `all but ${p}`))),
        el('optgroup', { attrs: { label: 'Value of' } }, ...options.map((p) => el('option', { attrs: { value: `param:${p}` } }, p))));
    }
    if (tagChoices.length || tagsDiffer(tags, data.runs.length)) {
      this.bySelect.append(el('optgroup', { attrs: { label: 'Tags' } },
        el('option', { attrs: { value: SAME_TAGS } }, 'same tags'),
        ...tagChoices.map((t) => el('option', { attrs: { value: `tag:${t}` } }, `tagged ${t}`))));
    }
    // A grouping (chosen, or saved before a reload) stays while these runs still offer it.
    const value = byValue(this.by);
    if (![...this.bySelect.options].some((o) => o.value === value)) {
      this.by = undefined;
      this.hidden.clear();
    }
    this.bySelect.value = byValue(this.by);
    this.view = this.build();
    this.showControls();
    this.renderLegend();
  }

  private choose(by: GroupBy | undefined): void {
    this.by = by;
    this.hidden.clear();
    this.bySelect.value = byValue(by);
    this.rebuild();
  }

  private rebuild(): void {
    this.view = this.build();
    this.showControls();
    this.renderLegend();
    this.changed();
  }

  private showControls(): void {
    const on = this.by !== undefined;
    this.centerSelect.hidden = !on;
    this.bandSelect.hidden = !on;
    this.ungroup.hidden = !on;
    this.legend.hidden = !on;
  }

  private build(): GroupingView | undefined {
    const data = this.data;
    if (!data || !this.by) return undefined;
    const groups = groupRuns(data.runs.map((r) => r.id), data.params, this.by, data.runs.map((r) => r.tags)).map((g, i) => ({
      key: g.key, label: g.label, runIds: new Set(g.runIds), color: groupColor(i), hidden: this.hidden.has(g.key),
    }));
    return { groups, center: this.centerSelect.value === 'median' ? 'median' : 'mean', band: this.bandSelect.value === 'std' ? 'std' : 'minmax' };
  }

  private renderLegend(): void {
    clear(this.list);
    const view = this.view;
    if (!view) return;
    for (const group of view.groups) {
      const swatch = el('span', { className: 'swatch' });
      swatch.style.background = group.color;
      const n = group.runIds.size;
      const item = el('button', { className: `legend-item${group.hidden ? ' off' : ''}`, attrs: { 'aria-pressed': String(!group.hidden) } },
        swatch, group.label, el('span', { className: 'group-count' }, ` (${n} run${n === 1 ? '' : 's'})`));
      item.addEventListener('click', () => {
        if (this.hidden.has(group.key)) this.hidden.delete(group.key);
        else this.hidden.add(group.key);
        this.rebuild();
      });
      this.list.append(el('span', { className: 'legend-entry group-entry' }, item));
    }
    const runs = view.groups.reduce((s, g) => s + g.runIds.size, 0);
    this.count.textContent = `${view.groups.length} group${view.groups.length === 1 ? '' : 's'} of ${runs} runs · ${view.center === 'median' ? 'median' : 'mean'} with ${view.band === 'std' ? '± std' : 'min–max'} band`;
  }
}
