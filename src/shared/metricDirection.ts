// Which way a metric improves, and the values that follow from it ("best", a run's summary value). Shared by the
// index, the host (tree, CodeLens, tables) and the webviews (compare tables), so "best" means the same everywhere.
//
// A run declares a metric's goal with `run.define_metric(name, goal=…)` (a `metric` event, docs/event-format.md).
// Where nothing is declared the goal is guessed from the name's words, and the guess is deliberately shy: a name
// with no known word, a word of each kind, or a word that names a quantity that is no quality gets no direction,
// and then nothing is highlighted as best. Metrics under `system/` never get one.

export type MetricGoal = 'minimize' | 'maximize';
/** Which of a metric's values stands for the run (`summary=` of define_metric): the last logged unless declared. */
export type SummaryMode = 'min' | 'max' | 'last';

export const METRIC_GOALS: readonly MetricGoal[] = ['minimize', 'maximize'];
export const SUMMARY_MODES: readonly SummaryMode[] = ['min', 'max', 'last'];

/** Words of a name that mean lower is better. */
const MINIMIZE = new Set([
  'loss', 'losses', 'error', 'errors', 'err', 'mae', 'mse', 'rmse', 'mape', 'nll', 'perplexity', 'ppl', 'wer', 'cer',
  'fid', 'latency', 'time', 'duration', 'cost', 'regret', 'distance',
]);
/** Words of a name that mean higher is better. */
const MAXIMIZE = new Set([
  'acc', 'accuracy', 'top1', 'top5', 'f1', 'precision', 'recall', 'auc', 'auroc', 'ap', 'map', 'miou', 'ndcg', 'mrr',
  'bleu', 'rouge', 'meteor', 'iou', 'dice', 'psnr', 'ssim', 'reward', 'rewards', 'return', 'returns', 'score', 'r2',
  'success', 'win',
]);
/**
 * Words that make a name directionless whatever else it says: optimiser state (`lr`, `grad_norm`, `loss_scale`),
 * progress and clocks (`epoch`, `wall_time`), throughput and resources (`gpu_mem`), spreads (`acc_std`).
 */
const NEUTRAL = new Set([
  'lr', 'grad', 'grads', 'gradient', 'gradients', 'norm', 'scale', 'momentum', 'epoch', 'epochs', 'wall', 'elapsed', 'clock',
  'throughput', 'fps', 'mem', 'memory', 'gpu', 'cpu', 'util', 'utilization', 'temperature', 'power', 'std', 'stddev', 'var',
  'variance',
]);

/** The words of a name: split at anything not a letter or digit, and also at camelCase humps (`valLoss`, `mIoU`). */
function words(name: string): Set<string> {
  const out = new Set<string>();
  const add = (text: string): void => {
    for (const w of text.toLowerCase().split(/[^a-z0-9]+/)) {
      if (!w) continue;
      out.add(w);
      const stem = w.replace(/\d+$/, ''); // bleu4, map50, acc1
      if (stem) out.add(stem);
    }
  };
  add(name);
  add(name.replace(/([a-z0-9])([A-Z])/g, '$1 $2'));
  return out;
}

/** The goal a metric's name suggests, or undefined when it suggests none (see the rules above). */
export function guessGoal(name: string): MetricGoal | undefined {
  if (name.startsWith('system/')) return undefined;
  let minimize = false;
  let maximize = false;
  for (const w of words(name)) {
    if (NEUTRAL.has(w)) return undefined;
    if (MINIMIZE.has(w)) minimize = true;
    if (MAXIMIZE.has(w)) maximize = true;
  }
  return minimize === maximize ? undefined : minimize ? 'minimize' : 'maximize';
}

/** A metric's goal: the declared one, else the guess from its name. */
export function metricGoal(name: string, declared?: MetricGoal): MetricGoal | undefined {
  return declared ?? guessGoal(name);
}

/** Whether `a` is strictly better than `b` for the goal. */
export function isBetter(a: number, b: number, goal: MetricGoal): boolean {
  return goal === 'minimize' ? a < b : a > b;
}

/**
 * Index of the best finite value, the first one to reach it when several tie (one cell highlighted, not all);
 * undefined without a goal or a finite value.
 */
export function bestIndex(values: readonly number[], goal: MetricGoal | undefined): number | undefined {
  if (goal === undefined) return undefined;
  let at: number | undefined;
  let best = 0;
  values.forEach((v, i) => {
    if (!Number.isFinite(v)) return;
    if (at === undefined || isBetter(v, best, goal)) { at = i; best = v; }
  });
  return at;
}

/** The best value a run reached: its min or max for the goal; undefined without a goal. */
export function bestValue(m: { min: number; max: number }, goal: MetricGoal | undefined): number | undefined {
  return goal === undefined ? undefined : goal === 'minimize' ? m.min : m.max;
}

/** The value that stands for the run (the key metric's text, sorting, the bare name in filters). */
export function summaryValue(m: { last: number; min: number; max: number }, mode?: SummaryMode): number {
  return mode === 'min' ? m.min : mode === 'max' ? m.max : m.last;
}

/**
 * Kept for the compare tables until they read goals from their data.
 * @deprecated use metricGoal / guessGoal.
 */
export function lowerIsBetter(metric: string): boolean {
  return guessGoal(metric) === 'minimize';
}
