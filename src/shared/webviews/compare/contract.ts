// The comparison panel's contract: declared once, it gives both sides their types and the host its runtime check.
import {
  arrayOf, bool, defineContract, floatArray, messagesOf, nullable, num, objectOf, oneOf, optional, refine, str, typedArrayOf, unknownValue,
  type Infer,
} from '../schema';
import { compareMediaSchema, mediaTableSchema } from '../media/contract';
import { wireNumber, wireValue } from '../wireValue';

/** `metric`: the x of each point is another metric's value at the same step (`xMetric`, e.g. `epoch`). */
export const xAxisKinds = ['step', 'relative', 'wall', 'metric'] as const;
const xAxis = oneOf(...xAxisKinds);
export type XAxisKind = Infer<typeof xAxis>;

const compareRun = objectOf({
  id: str(),
  name: str(),
  experiment: str(),
  status: str(),
  /** CSS colour, stable per run across charts and sessions. */
  color: str(),
  /** The run's tags (absent: none); the grouping offers them as keys (webview/compare/grouping.ts). */
  tags: optional(arrayOf(str())),
  /** When the run started (epoch ms): the page turns wall-clock x into relative time (and back) without the host. */
  startedAt: optional(num()),
});
export type CompareRun = Infer<typeof compareRun>;

/** A run the picker offers: enough to recognise it. */
const runMatch = objectOf({ id: str(), name: str(), experiment: str(), status: str(), startedAt: num() });
export type RunMatch = Infer<typeof runMatch>;

/**
 * A line's points as binary: `xs[i]`, `ys[i]` is point i, in x order; x is always finite, y may be NaN or ±Infinity
 * (a diverged loss shows as what it was). VS Code carries typed arrays across the webview channel as bytes (for
 * extensions declaring engines ≥ 1.57), not as JSON digits; the lines of a message share one buffer, copied once.
 * wireLines.ts decides how each array crosses, losing nothing the page shows:
 * - xs that are whole numbers (steps, epoch ms) or whole thousandths (relative seconds) going up by at most 65,535 at
 *   a time: a Uint8Array or Uint16Array of the increments, `xStart` the first x times `xPer` (absent: 1), and
 *   x[i] = (xStart + xs[0] + … + xs[i]) / xPer on arrival (xs[0] is 0): one or two bytes an x, exact;
 * - else a Float32Array where single precision loses nothing (every integer exact, no value out of range, wall-clock x
 *   within 1 ms), else a Float64Array; `xBase` (wall-clock x: epoch ms, too coarse in single precision) is added to
 *   every x on arrival. The same for ys (never as increments).
 * The page widens every line to Float64Array as it arrives (`CompareLine`).
 */
const linePoints = {
  xs: typedArrayOf(['Float32Array', 'Float64Array', 'Uint16Array', 'Uint8Array'], { finite: true }),
  ys: floatArray(),
  xBase: optional(num()),
  xStart: optional(num({ integer: true })),
  xPer: optional(num({ min: 1, integer: true })),
};
/** Each point needs both values, and xs as increments need their start (and only they have one). */
const pointsRule = (line: { xs: ArrayLike<number> & { BYTES_PER_ELEMENT: number }; ys: ArrayLike<number>; xBase?: number; xStart?: number; xPer?: number }): string | undefined => {
  if (line.xs.length !== line.ys.length) return `xs has ${line.xs.length} values but ys has ${line.ys.length}; each point needs both`;
  const increments = line.xs.BYTES_PER_ELEMENT <= 2;
  if (increments && line.xStart === undefined) return 'xs are increments (whole numbers) but xStart is missing';
  if (increments && line.xBase !== undefined) return 'xs are increments: xBase does not apply';
  if (!increments && (line.xStart !== undefined || line.xPer !== undefined)) return 'xStart and xPer apply only to xs as increments (a Uint8Array or a Uint16Array)';
  return undefined;
};

const compareLine = refine(objectOf({
  runId: str(),
  metric: str(),
  ...linePoints,
  /** Points stored before downsampling. */
  totalPoints: num({ min: 0, integer: true }),
}), pointsRule);
/** A line as it crosses (see linePoints). */
export type WireLine = Infer<typeof compareLine>;

/** A line's points as both sides hold them: Float64Arrays, whatever precision they crossed in. */
type HeldPoints<L> = Omit<L, 'xs' | 'ys' | 'xBase' | 'xStart' | 'xPer'> & { xs: Float64Array; ys: Float64Array };
export type CompareLine = HeldPoints<WireLine>;

const metricStats = objectOf({ last: wireNumber, min: wireNumber, max: wireNumber });
export type MetricStats = Infer<typeof metricStats>;

/** One param across the runs: `values[i]` belongs to `runs[i]` (null where that run has no such param). */
const paramRow = objectOf({ name: str(), values: arrayOf(wireValue) });
export type ParamRow = Infer<typeof paramRow>;

/**
 * One metric's last/min/max across the runs: `stats[i]` belongs to `runs[i]` (null where that run did not log it).
 * `goal`: which way it improves (declared by a run, else guessed from the name); absent: no direction, no "best".
 */
const summaryRow = objectOf({ metric: str(), stats: arrayOf(nullable(metricStats)), goal: optional(oneOf('minimize', 'maximize')) });
export type SummaryRow = Infer<typeof summaryRow>;

const compareData = objectOf({
  runs: arrayOf(compareRun),
  /** Every metric any compared run logged, sorted. */
  metrics: arrayOf(str()),
  /** Metrics drawn as charts. */
  selectedMetrics: arrayOf(str()),
  xAxis,
  /** The metric on the x axis when `xAxis` is `metric`. */
  xMetric: optional(str()),
  /** Runs not drawn because they never logged `xMetric`. */
  xMissing: optional(arrayOf(str())),
  lines: arrayOf(compareLine),
  /** Charted metrics whose lines follow in a `lines` message (the charts in view come first). */
  pendingMetrics: optional(arrayOf(str())),
  /** Sorted by name. */
  params: arrayOf(paramRow),
  /** In the order of `metrics`. */
  summaries: arrayOf(summaryRow),
  /** The runs' `run.summary` values by name (sorted), `values[i]` for `runs[i]` (null where that run has none). */
  summaryValues: optional(arrayOf(paramRow)),
});
export type WireCompareData = Infer<typeof compareData>;
/** A comparison as the host builds it and the page draws it: its lines in Float64Arrays. */
export type CompareData = Omit<WireCompareData, 'lines'> & { lines: CompareLine[] };

/** New points of one line while its run is live: appended when the line is still below the cap, else the line anew. */
const lineChange = refine(objectOf({
  runId: str(),
  metric: str(),
  mode: oneOf('append', 'replace'),
  ...linePoints,
  totalPoints: num({ min: 0, integer: true }),
}), pointsRule);
export type WireLineChange = Infer<typeof lineChange>;
export type LineChange = HeldPoints<WireLineChange>;

/** UI choices the webview keeps with setState; the panel serializer and the ready message bring them back. */
const compareState = objectOf({
  runIds: arrayOf(str()),
  selectedMetrics: arrayOf(str()),
  xAxis,
  smoothing: num({ min: 0, max: 0.999 }),
  logScale: bool(),
  onlyDifferentParams: bool(),
  xMetric: optional(str()),
  /** Zoom one chart's x range and every chart follows (default on). */
  syncZoom: optional(bool()),
  /**
   * Grouping with bands (webview/compare/grouping.ts): `by` as its select's value (`except:seed`, `param:lr`,
   * `tag:baseline`, `tags`; empty: ungrouped), the line and band chosen, and the groups hidden (by key).
   */
  grouping: optional(objectOf({
    by: str(),
    center: oneOf('mean', 'median'),
    band: oneOf('minmax', 'std'),
    hidden: optional(arrayOf(str())),
  })),
});
export type CompareViewState = Infer<typeof compareState>;

export const compareContract = defineContract({
  panel: 'Compare',
  toHost: messagesOf({
    /** `chartPixelWidth`: device pixels across one chart's plot, so the host sends no more points than it can show. */
    ready: objectOf({ state: optional(unknownValue()), chartPixelWidth: optional(num({ min: 1 })), chartsInView: optional(num({ min: 0, integer: true })) }),
    resize: objectOf({ chartPixelWidth: num({ min: 1 }) }),
    /**
     * `held`: the page draws this axis (step or time) from lines it holds (`lines` messages of that axis): the host
     * records the choice (for live updates, export and the tests) and sends back only the lines of `pending`, the
     * charts on screen the page does not hold yet, a chart per `lines` message (the others it asks for as they near
     * the screen: `wantLines`).
     */
    setView: objectOf({ selectedMetrics: arrayOf(str()), xAxis, xMetric: optional(str()), held: optional(bool()), pending: optional(arrayOf(str())) }),
    /** The run picker: runs matching a filter expression (the host evaluates it; the page never parses it). */
    findRuns: objectOf({ filter: str({ maxLength: 4000 }) }),
    /** Runs added or removed inside the panel: the comparison's runs from now on, in order. */
    setRuns: objectOf({ runIds: arrayOf(str(), { minLength: 1 }) }),
    exportCsv: objectOf({}),
    savePng: objectOf({ metric: str(), dataUrl: str() }),
    drawn: objectOf({ metric: str(), lines: num({ min: 0, integer: true }), ms: num({ min: 0 }) }),
    /**
     * The charts on screen, once the page has laid out a comparison whose lines follow it: the host sends their
     * lines, then their lines on the other x axis, before the other charts' (its own guess, `chartsInView`, counts the
     * rows a window might hold, not the toolbar and legend above them).
     */
    onScreen: objectOf({ metrics: arrayOf(str()) }),
    /**
     * Charts nearing the screen whose lines on `xAxis` the page lacks: the host sends only the charts on screen (both
     * axes) unasked; the page asks for each of the others as it comes within a screen's height of the viewport.
     */
    wantLines: objectOf({ metrics: arrayOf(str()), xAxis: oneOf('step', 'relative', 'wall') }),
    /** Media section (webview/compare/media*.ts): a logged table's cells, and a link in logged Markdown to open. */
    loadTable: objectOf({ runId: str(), file: str({ maxLength: 80 }) }),
    openLink: objectOf({ url: str({ maxLength: 8000 }) }),
  }),
  toWebview: messagesOf({
    data: objectOf({ data: compareData }),
    /**
     * Every run's line of each of `metrics` on `xAxis` (absent: the last `data`'s axis): the `pendingMetrics` of the
     * last `data`, or, on another axis (step ↔ time), lines the page keeps so that switching the x axis needs no
     * round trip (relative and wall time are one kind: the page converts between them with each run's `startedAt`).
     */
    lines: objectOf({ metrics: arrayOf(str()), lines: arrayOf(compareLine), xAxis: optional(oneOf('step', 'relative', 'wall')) }),
    /** Incremental update for live runs: run statuses, summaries, and only the points that changed. */
    update: objectOf({ runs: arrayOf(compareRun), metrics: arrayOf(str()), summaries: arrayOf(summaryRow), summaryValues: optional(arrayOf(paramRow)), changes: arrayOf(lineChange) }),
    error: objectOf({ message: str() }),
    /** The run picker's answer: the first matches (`total` counts them all), or why the filter is wrong. */
    runMatches: objectOf({ filter: str(), runs: arrayOf(runMatch), total: num({ min: 0, integer: true }), error: optional(str()) }),
    /** The compared runs' rich values (after `data`, and again when a live run logs new ones). */
    media: objectOf({ media: compareMediaSchema }),
    mediaTable: objectOf({ table: mediaTableSchema }),
  }),
  state: compareState,
});

export type CompareToHostMessage = Infer<typeof compareContract.toHost>;
export type HostToCompareMessage = Infer<typeof compareContract.toWebview>;
