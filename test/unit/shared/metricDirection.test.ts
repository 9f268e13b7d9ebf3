import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { bestIndex, guessGoal, metricGoal, summaryValue, type MetricGoal } from '../../../src/shared/metricDirection';

// The heuristic for metrics without a declared goal (docs/event-format.md, "Metric direction"): one table of cases.
const guesses: Array<[string, MetricGoal | undefined]> = [
  // lower is better
  ['loss', 'minimize'], ['train/loss', 'minimize'], ['val/loss', 'minimize'], ['val_loss', 'minimize'], ['valLoss', 'minimize'],
  ['eval/error', 'minimize'], ['err', 'minimize'], ['error_rate', 'minimize'], ['mae', 'minimize'], ['val/mse', 'minimize'],
  ['rmse', 'minimize'], ['perplexity', 'minimize'], ['ppl', 'minimize'], ['nll', 'minimize'], ['wer', 'minimize'], ['cer', 'minimize'],
  ['latency_ms', 'minimize'], ['step_time', 'minimize'], ['inference-time', 'minimize'], ['fid', 'minimize'], ['losses', 'minimize'],
  // higher is better
  ['acc', 'maximize'], ['train/acc', 'maximize'], ['val/acc', 'maximize'], ['val_accuracy', 'maximize'], ['best_accuracy', 'maximize'],
  ['top1', 'maximize'], ['acc@1', 'maximize'], ['f1', 'maximize'], ['macro_f1', 'maximize'], ['precision', 'maximize'], ['recall', 'maximize'],
  ['auc', 'maximize'], ['roc_auc', 'maximize'], ['mAP', 'maximize'], ['map50', 'maximize'], ['bleu', 'maximize'], ['bleu4', 'maximize'],
  ['rouge_l', 'maximize'], ['rougeL', 'maximize'], ['iou', 'maximize'], ['mIoU', 'maximize'], ['dice', 'maximize'], ['reward', 'maximize'],
  ['episode/return', 'maximize'], ['score', 'maximize'], ['r2', 'maximize'], ['success_rate', 'maximize'],
  // no direction: optimiser state, progress, throughput, resources, system metrics, spreads, and the unknown
  ['grad_norm', undefined], ['gradNorm', undefined], ['gpu_mem', undefined], ['lr', undefined], ['learning_rate', undefined],
  ['epoch', undefined], ['throughput', undefined], ['samples_per_sec', undefined], ['tokens_seen', undefined],
  ['loss_scale', undefined], ['system/cpu', undefined], ['system/gpu_time', undefined], ['system/loss', undefined],
  ['wall_time', undefined], ['val/acc_std', undefined], ['kl', undefined], ['f', undefined], ['',  undefined],
  ['terror', undefined], ['heatmap', undefined], ['accumulated', undefined], ['timestamp', undefined],
  // both kinds of word: no guess
  ['loss_score', undefined], ['time_to_accuracy', undefined],
  // names a log may carry that mean something to JavaScript objects
  ['__proto__', undefined], ['constructor', undefined], ['toString', undefined], ['hasOwnProperty', undefined],
];

test('direction guessed from the name: one table of cases', () => {
  for (const [name, goal] of guesses) assert.equal(guessGoal(name), goal, `guessGoal(${JSON.stringify(name)})`);
});

test('a declared goal wins over the name; without one the guess stands', () => {
  const cases: Array<[string, MetricGoal | undefined, MetricGoal | undefined]> = [
    ['val/loss', 'maximize', 'maximize'], ['grad_norm', 'minimize', 'minimize'], ['system/gpu_mem', 'minimize', 'minimize'],
    ['val/loss', undefined, 'minimize'], ['grad_norm', undefined, undefined], ['accuracy', undefined, 'maximize'],
  ];
  for (const [name, declared, goal] of cases) assert.equal(metricGoal(name, declared), goal, `metricGoal(${name}, ${declared})`);
});

test('the best of a list: the first value to reach it, never a non-finite one, none without a direction', () => {
  const cases: Array<[number[], MetricGoal | undefined, number | undefined]> = [
    [[0.3, 0.1, 0.2], 'minimize', 1], [[0.3, 0.1, 0.2], 'maximize', 0], [[0.3, 0.1, 0.2], undefined, undefined],
    [[0.5, 0.9, 0.9, 0.1], 'maximize', 1], [[0.1, 0.1], 'minimize', 0],
    [[Number.NaN, 2, -Infinity], 'minimize', 1], [[Infinity, 2], 'maximize', 1], [[Number.NaN], 'minimize', undefined], [[], 'maximize', undefined],
  ];
  for (const [values, goal, at] of cases) assert.equal(bestIndex(values, goal), at, `bestIndex(${JSON.stringify(values)}, ${goal})`);
});

test('a metric\'s summary value: the last unless declared min or max', () => {
  const m = { last: 0.5, min: 0.1, max: 0.9 };
  assert.equal(summaryValue(m), 0.5);
  assert.equal(summaryValue(m, 'last'), 0.5);
  assert.equal(summaryValue(m, 'min'), 0.1);
  assert.equal(summaryValue(m, 'max'), 0.9);
});
