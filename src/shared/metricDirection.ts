// Whether a lower value of a metric is better, guessed from its name (loss-like names); used to pick
// and highlight the "best" run. Shared by the host (CodeLens, tree) and the webviews (summary table).
const lowerIsBetterPattern = /loss|err|mse|mae|rmse|perplexity|ppl|cost|time|latency|wer|cer|fid|distance/i;

export function lowerIsBetter(metric: string): boolean {
  return lowerIsBetterPattern.test(metric);
}
