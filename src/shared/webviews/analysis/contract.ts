// The Sweep / Analysis panel's contract: the runs' dimensions (one Float64Array column each, sharing one buffer),
// parameter importance on request, and what the page asks of the host (open a run, compare or save the brushed set).
import type { Brush } from './brush';
import {
  arrayOf, bool, defineContract, float64Array, messagesOf, num, objectOf, oneOf, optional, refine, str, unknownValue, type Infer, type Schema,
} from '../schema';

/** Characters of a category label the page receives (longer values, e.g. 10,000-character params, end in "…"). */
export const LABEL_MAX = 200;

const dimension = objectOf({
  key: str(),
  source: oneOf('param', 'metric', 'summary'),
  name: str(),
  scale: oneOf('linear', 'log', 'category'),
  /** One per run; for categorical axes the category's index; NaN where the run has no value. */
  values: float64Array(),
  /** Category labels (at most LABEL_MAX characters each). */
  categories: arrayOf(str()),
  present: num({ min: 0, integer: true }),
  distinct: num({ min: 0, integer: true }),
  /** Numbers and text were both seen: categorical by the mixed-types rule. */
  mixed: bool(),
});
export type AnalysisDimension = Infer<typeof dimension>;

const run = objectOf({ id: str(), name: str() });
export type AnalysisRunInfo = Infer<typeof run>;

const analysisData = refine(objectOf({
  /** What the runs are (the filter, the experiment, or "12 selected runs"). */
  scope: str(),
  runs: arrayOf(run),
  dimensions: arrayOf(dimension),
  /** Axes shown until the user chooses (docs/analysis.md). */
  defaultAxes: arrayOf(str()),
}), (d) => {
  const bad = d.dimensions.find((x) => x.values.length !== d.runs.length);
  return bad ? `dimension ${bad.key} has ${bad.values.length} values for ${d.runs.length} runs` : undefined;
});
export type AnalysisData = Infer<typeof analysisData>;

const paramImportance = objectOf({
  key: str(),
  name: str(),
  encoding: oneOf('number', 'log10', 'binary', 'one-hot'),
  runs: num({ min: 0, integer: true }),
  pearson: optional(num({ min: -1, max: 1 })),
  spearman: optional(num({ min: -1, max: 1 })),
  importance: optional(num({ min: 0, max: 1 })),
  note: optional(str()),
});
export type ParamImportanceInfo = Infer<typeof paramImportance>;

const importanceResult = objectOf({
  metric: str(),
  runs: num({ min: 0, integer: true }),
  params: arrayOf(paramImportance),
  note: optional(str()),
  forest: optional(objectOf({ trees: num(), sampled: num(), features: num() })),
  /** How long the host took, for the page's footnote. */
  ms: num({ min: 0 }),
});
export type ImportanceInfo = Infer<typeof importanceResult>;

const rangeBrush = objectOf({ key: str(), min: num(), max: num() });
const categoryBrush = objectOf({ key: str(), categories: arrayOf(num({ min: 0, integer: true })) });
/** A numeric brush (`{key, min, max}`) or a categorical one (`{key, categories}`). */
const brush: Schema<Brush> = {
  problem: (value, at) => (rangeBrush.problem(value, at) === undefined || categoryBrush.problem(value, at) === undefined ? undefined
    : `${at || 'the brush'}: expected {key, min, max} or {key, categories}`),
};

/** Which runs the panel shows: a filter expression (may be empty: all runs) or chosen runs; the title says which. */
const scope = objectOf({ filter: optional(str()), runIds: optional(arrayOf(str())), title: str() });
export type AnalysisScope = Infer<typeof scope>;

/** The scope, the axes, colour, scatter and importance choices, and the brushes: kept across reloads. */
const analysisState = objectOf({
  scope,
  axes: optional(arrayOf(str())),
  brushes: optional(arrayOf(brush)),
  colorBy: optional(str()),
  scatterX: optional(str()),
  scatterY: optional(str()),
  /** What colours the scatter's points (any dimension); absent: the lines' colour metric. */
  scatterColor: optional(str()),
  matrix: optional(arrayOf(str())),
  importanceMetric: optional(str()),
});
export type AnalysisViewState = Infer<typeof analysisState>;

export const analysisContract = defineContract({
  panel: 'Analysis',
  toHost: messagesOf({
    ready: objectOf({ state: optional(unknownValue()) }),
    importance: objectOf({ metric: str() }),
    openRun: objectOf({ runId: str() }),
    compare: objectOf({ runIds: arrayOf(str(), { minLength: 1 }) }),
    saveFilter: objectOf({ brushes: arrayOf(brush) }),
  }),
  toWebview: messagesOf({
    data: objectOf({ data: analysisData, scope }),
    importance: objectOf({ result: importanceResult }),
    empty: objectOf({ message: str() }),
  }),
  state: analysisState,
});

export type AnalysisToHostMessage = Infer<typeof analysisContract.toHost>;
export type HostToAnalysisMessage = Infer<typeof analysisContract.toWebview>;
