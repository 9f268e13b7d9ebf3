// The built Analysis page (dist/webview/analysis.js) in jsdom, issue 16, on data the host builds (extractDimensions,
// analysisData): where lines meet a log axis and a categorical one, the colour of each run's line and swatch on the
// diverging scale, brushing by dragging along an axis (the run list, Open in Compare and Save as Filter get exactly
// the brushed runs; a click clears an axis's brush), a scatter click opening its run, the choices and brushes kept in
// the page's state, importance bars, and bad input (300 params, 10,000-character values, mixed types) drawn without an error.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { analysisData } from '../../../src/core/analysis/analysisWire';
import { extractDimensions } from '../../../src/core/analysis/dimensions';
import type { ParamValue } from '../../../src/core/model';
import { analysisContract, type AnalysisData, type AnalysisViewState } from '../../../src/shared/webviews/analysis/contract';
import { row } from '../analysis/rows';
import { loadWebview, messagesOfType, type Harness } from './webviewHarness';

const RUNS = 10;
const OPTS = ['adam', 'sgd', 'rmsprop'];
/** lr over three decades (log axis 1e-4 … 1e-1), opt three categories, loss rising with i; run 9 has no loss. */
const lrOf = (i: number): number => 10 ** (-4 + i / 3);
const optOf = (i: number): string => OPTS[i % 3] ?? '';
const lossOf = (i: number): number | undefined => (i === RUNS - 1 ? undefined : 0.05 + 0.1 * i);

function sweep(): AnalysisData {
  const rows = Array.from({ length: RUNS }, (_, i) => {
    const loss = lossOf(i);
    return row(i, { lr: lrOf(i), opt: optOf(i) }, loss === undefined ? { val_acc: 1 - i / 20 } : { loss, val_acc: 1 - i / 20 });
  });
  return analysisData(extractDimensions(rows), 'experiment sweep');
}

// The page's geometry in jsdom (every element 800 px wide): the charts get 800 - 300 = 500 px. Parallel
// coordinates: 360 px high, axes from y = 34 (top) to 334 (bottom), x from 40 to 460.
const TOP = 34;
const BOTTOM = 334;
const yOf = (unit: number): number => TOP + (1 - unit) * (BOTTOM - TOP);
/** Units of lr on its log axis, computed here from the values (not by the page's scale). */
const lrUnit = (i: number): number => (Math.log10(lrOf(i)) + 4) / 3;

interface Page extends Harness {
  data: AnalysisData;
}

function open(saved?: AnalysisViewState, data: AnalysisData = sweep()): Page {
  const h = loadWebview('analysis', saved, {
    beforeScript: (window) => {
      // jsdom has neither pointer capture nor performance.measure (the page measures each redraw).
      window.HTMLElement.prototype.setPointerCapture = () => undefined;
      Object.defineProperty(window.performance, 'measure', { configurable: true, value: () => undefined });
    },
  });
  assert.equal(analysisContract.toWebview.problem({ type: 'data', data, scope: { filter: 'experiment = sweep', title: 'experiment sweep' } }, 'message'), undefined);
  h.send({ type: 'data', data, scope: { filter: 'experiment = sweep', title: 'experiment sweep' } });
  return Object.assign(h, { data });
}

const axisXs = (count: number): number[] => Array.from({ length: count }, (_, i) => 40 + (i * 420) / (count - 1));

function pointer(h: Harness, type: string, x: number, y: number): void {
  const overlay = h.document.querySelector('canvas.pcp-overlay');
  assert.ok(overlay, 'the parallel coordinates overlay');
  overlay.dispatchEvent(new h.window.MouseEvent(type, { clientX: x, clientY: y, bubbles: true }));
}

/** Drags along the axis at x from y0 to y1 (a few moves between), as a user's mouse would. */
function drag(h: Harness, x: number, y0: number, y1: number): void {
  pointer(h, 'pointerdown', x, y0);
  for (let k = 1; k <= 4; k++) pointer(h, 'pointermove', x, y0 + ((y1 - y0) * k) / 4);
  pointer(h, 'pointerup', x, y1);
}

const listed = (h: Harness): string[] => [...h.document.querySelectorAll<HTMLElement>('.run-item')].map((e) => e.dataset.runId ?? '');
const countText = (h: Harness): string => h.document.getElementById('brushed-count')?.textContent ?? '';
const button = (h: Harness, label: string): HTMLButtonElement => {
  const b = [...h.document.querySelectorAll('button')].find((x) => x.textContent === label);
  assert.ok(b, `the ${label} button`);
  return b;
};
const ids = (indexes: number[]): string[] => indexes.map((i) => `run-${i}`);
const range = (n: number): number[] => Array.from({ length: n }, (_, i) => i);

interface Stroke { style: unknown; alpha: unknown; segments: Array<{ method: string; args: unknown[] }> }

/**
 * The stroke(path) calls since `from` on one of the parallel coordinates' canvases: `pcp-lines` (the kept runs'
 * lines, in colour; redrawn every frame of a brush) or `pcp-faint` (every run's line in faint grey, under them).
 */
function strokes(h: Harness, from = 0, canvas = 'pcp-lines'): Stroke[] {
  return h.canvasCalls.slice(from).flatMap((c) => {
    const path = c.args[0] as { segments?: Stroke['segments'] } | undefined;
    return c.method === 'stroke' && c.canvas === canvas && path?.segments ? [{ style: c.state?.strokeStyle, alpha: c.state?.globalAlpha, segments: path.segments }] : [];
  });
}

/** The runs (by their height on the lr axis) whose lines these strokes start. */
function startedRuns(all: Stroke[], lrX: number): number[] {
  return range(RUNS).filter((i) => strokeAt(all, lrX, yOf(lrUnit(i))) !== undefined);
}

/** The stroke that draws the line starting at (x, y) (each run's line starts on the first axis). */
function strokeAt(all: Stroke[], x: number, y: number): Stroke | undefined {
  return all.find((s) => s.segments.some((seg) => seg.method === 'moveTo' && Math.abs(Number(seg.args[0]) - x) < 1e-6 && Math.abs(Number(seg.args[1]) - y) < 1e-6));
}

test('analysis page: lines meet the log axis at log-spaced heights and the categorical axis at one height per category', () => {
  const h = open();
  try {
    const [lrX, optX, lossX] = axisXs(4);
    assert.ok(lrX !== undefined && optX !== undefined && lossX !== undefined);
    const drawn = strokes(h).flatMap((st) => st.segments);
    const points = (x: number): number[] => drawn.filter((c) => Math.abs(Number(c.args[0]) - x) < 1e-6).map((c) => Number(c.args[1]));
    // lr: every run's height from log10(lr), so 1e-3 sits a third of the way up (a linear axis would put it at 1%).
    const expectedLr = range(RUNS).map((i) => yOf(lrUnit(i))).sort((a, b) => a - b);
    const lrYs = points(lrX).sort((a, b) => a - b);
    assert.equal(lrYs.length, RUNS);
    lrYs.forEach((y, k) => assert.ok(Math.abs(y - (expectedLr[k] ?? Number.NaN)) < 1e-6, `lr point ${k}: ${y} vs ${String(expectedLr[k])}`));
    // opt: categories in code-point order (adam, rmsprop, sgd) at the bottom, middle and top; as many lines each as runs.
    const optYs = points(optX);
    const at = (y: number): number => optYs.filter((v) => Math.abs(v - y) < 1e-6).length;
    assert.deepEqual([at(BOTTOM), at(yOf(0.5)), at(TOP)], [4, 3, 3]);
    // The loss axis: the run without loss has no point there (its line stops at opt).
    assert.equal(points(lossX).length, RUNS - 1);
    // Ticks: powers of ten on the log axis, category names on the categorical one.
    const texts = h.canvasCalls.filter((c) => c.method === 'fillText').map((c) => ({ text: String(c.args[0]), x: Number(c.args[1]), y: Number(c.args[2]) }));
    const tick = (x: number, text: string): number | undefined => texts.find((t) => t.x === x + 4 && t.text === text)?.y;
    assert.deepEqual(['1e-4', '0.001', '0.01', '0.1'].map((t) => tick(lrX, t)), [0, 1, 2, 3].map((k) => yOf(k / 3) + 4));
    assert.deepEqual(['adam', 'rmsprop', 'sgd'].map((t) => tick(optX, t)), [BOTTOM + 4, yOf(0.5) + 4, TOP + 4]);
    assert.ok(texts.some((t) => t.text === 'lr (log)'), 'the log axis says so in its title');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('analysis page: each line and run-list swatch takes its colour metric\'s place on the diverging scale; no value is grey', () => {
  const h = open();
  try {
    const [lrX] = axisXs(4);
    assert.ok(lrX !== undefined);
    const all = strokes(h);
    const low = 'rgb(49, 104, 201)';
    const high = 'rgb(214, 69, 59)';
    const grey = 'rgba(128, 128, 128, 0.5)';
    // Colour by loss (the default: the first metric on an axis); loss rises with i, run 9 has none.
    const lineColor = (i: number): unknown => strokeAt(all, lrX, yOf(lrUnit(i)))?.style;
    assert.equal(lineColor(0), low, 'the lowest loss at the blue end');
    assert.equal(lineColor(RUNS - 2), high, 'the highest loss at the red end');
    assert.equal(lineColor(RUNS - 1), grey, 'no loss: grey');
    // Middle values between the ends: red rises and blue falls with the loss.
    const rgb = (s: unknown): number[] => (/rgb\((\d+), (\d+), (\d+)\)/.exec(String(s)) ?? []).slice(1).map(Number);
    const middle = range(RUNS - 1).map((i) => rgb(lineColor(i)));
    for (let i = 1; i < middle.length; i++) {
      assert.ok((middle[i]?.[0] ?? 0) >= (middle[i - 1]?.[0] ?? 0) && (middle[i]?.[2] ?? 0) <= (middle[i - 1]?.[2] ?? 0), `run ${i}: ${JSON.stringify(middle)}`);
    }
    // The run list: best first by the colour metric (higher first), the run without it last; swatches the same colours.
    assert.deepEqual(listed(h), ids([8, 7, 6, 5, 4, 3, 2, 1, 0, 9]));
    const swatches = [...h.document.querySelectorAll<HTMLElement>('.run-item .swatch')].map((s) => s.style.background);
    assert.equal(swatches[0], high);
    assert.equal(swatches[RUNS - 2], low);
    assert.equal(swatches[RUNS - 1], grey);
    // Colour by val_acc instead (falls with i): the ends swap, and the choice is saved.
    const select = h.document.querySelector<HTMLSelectElement>('select[aria-label="Colour lines by"]');
    assert.ok(select);
    const mark = h.canvasCalls.length;
    select.value = 'metric.val_acc';
    select.dispatchEvent(new h.window.Event('change'));
    const recoloured = strokes(h, mark);
    assert.equal(strokeAt(recoloured, lrX, yOf(lrUnit(0)))?.style, high);
    assert.equal(strokeAt(recoloured, lrX, yOf(lrUnit(RUNS - 1)))?.style, low);
    assert.equal((h.state() as AnalysisViewState).colorBy, 'metric.val_acc');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('analysis page: brushing a log axis and a categorical one keeps exactly the runs inside both; the list, Compare and Save as Filter get them', async () => {
  const h = open();
  try {
    const [lrX, optX] = axisXs(4);
    assert.ok(lrX !== undefined && optX !== undefined);
    assert.equal(countText(h), `${RUNS} runs`);
    assert.equal(button(h, 'Save as Filter').disabled, true, 'nothing to save before a brush');

    // lr from the top of its axis down to the middle: lr ≥ 10^-2.5 (runs 5…9).
    const mark = h.canvasCalls.length;
    drag(h, lrX, TOP, yOf(0.5));
    const keptLr = range(RUNS).filter((i) => lrOf(i) >= 10 ** -2.5);
    assert.deepEqual(keptLr, [5, 6, 7, 8, 9]);
    assert.equal(countText(h), `${keptLr.length} of ${RUNS} runs brushed`);
    assert.deepEqual([...listed(h)].sort(), ids(keptLr).sort());
    // The brush's frames stroke the kept runs' lines only, in colour; the brushed-out ones show through from the
    // faint layer drawn when the page opened (every run, grey, alpha 0.12), shown only while a brush is on.
    const after = strokes(h, mark);
    assert.deepEqual(startedRuns(after, lrX), keptLr, 'only the kept runs are stroked while brushing');
    assert.notEqual(strokeAt(after, lrX, yOf(lrUnit(6)))?.alpha, 0.12);
    assert.deepEqual(strokes(h, mark, 'pcp-faint'), [], 'the faint layer is not drawn again by a brush');
    const faint = strokes(h, 0, 'pcp-faint');
    assert.deepEqual(startedRuns(faint, lrX), range(RUNS));
    assert.ok(faint.every((st) => st.alpha === 0.12));
    const faintCanvas = h.document.querySelector<HTMLCanvasElement>('canvas.pcp-faint');
    assert.equal(faintCanvas?.style.visibility, 'visible', 'the faint layer shows while brushed');

    // opt: a short drag around the middle category (rmsprop: runs 2, 5, 8), on top of the lr brush.
    drag(h, optX, yOf(0.5) - 15, yOf(0.5) + 15);
    const kept = keptLr.filter((i) => optOf(i) === 'rmsprop');
    assert.deepEqual(kept, [5, 8]);
    assert.equal(countText(h), `2 of ${RUNS} runs brushed`);
    assert.deepEqual([...listed(h)].sort(), ids(kept));

    button(h, 'Open in Compare').click();
    assert.deepEqual(messagesOfType<{ type: 'compare'; runIds: string[] }>(h, 'compare').at(-1)?.runIds, ids(kept));
    button(h, 'Save as Filter').click();
    const saved = messagesOfType<{ type: 'saveFilter'; brushes: Array<{ key: string; min?: number; max?: number; categories?: number[] }> }>(h, 'saveFilter').at(-1);
    assert.equal(analysisContract.toHost.problem(saved, 'message'), undefined, 'the message fits the contract');
    const lr = saved?.brushes.find((b) => b.key === 'param.lr');
    assert.ok(lr?.min !== undefined && lr.max !== undefined);
    assert.ok(Math.abs(Math.log10(lr.min) + 2.5) < 1e-9 && Math.abs(Math.log10(lr.max) + 1) < 1e-9, `lr brush ${JSON.stringify(lr)}`);
    assert.deepEqual(saved?.brushes.find((b) => b.key === 'param.opt')?.categories, [1]);

    // A click on the opt axis (no drag) clears its brush; Clear Brushes clears the rest.
    pointer(h, 'pointerdown', optX, 100);
    pointer(h, 'pointerup', optX, 101);
    assert.equal(countText(h), `${keptLr.length} of ${RUNS} runs brushed`);
    button(h, 'Clear Brushes').click();
    assert.equal(countText(h), `${RUNS} runs`);
    assert.equal(listed(h).length, RUNS);
    assert.equal(faintCanvas?.style.visibility, 'hidden', 'no faint layer without brushes: every line is in colour');
    await h.frame();
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('analysis page: a brush dragged wider strokes only the runs it adds; dragged back, it starts from a copy taken on the way and strokes the rest', async () => {
  const h = open();
  try {
    const [lrX] = axisXs(4);
    assert.ok(lrX !== undefined);
    // lr's unit height of run i is i/9: a brush from the top down to unit u keeps the runs with i ≥ 9u.
    const keptDownTo = (u: number): number[] => range(RUNS).filter((i) => lrUnit(i) >= u);
    const on = (from: number, method: string): number => h.canvasCalls.slice(from).filter((c) => c.method === method && c.canvas === 'pcp-lines').length;
    const move = async (u: number): Promise<number> => {
      const mark = h.canvasCalls.length;
      pointer(h, 'pointermove', lrX, yOf(u));
      await h.frame();
      return mark;
    };
    pointer(h, 'pointerdown', lrX, TOP);
    // The first frame drops runs that were on the canvas: cleared, the kept ones drawn (a copy is kept: 3 runs).
    let mark = await move(0.75);
    assert.deepEqual(startedRuns(strokes(h, mark), lrX), keptDownTo(0.75));
    assert.deepEqual([on(mark, 'clearRect'), on(mark, 'drawImage')], [1, 0]);
    // Wider, twice: only the runs each adds are stroked, over what is there (copies with 5 and 7 runs).
    mark = await move(0.5);
    assert.deepEqual(startedRuns(strokes(h, mark), lrX), [5, 6]);
    assert.equal(on(mark, 'clearRect'), 0, 'nothing cleared while runs are only added');
    mark = await move(0.3);
    assert.deepEqual(startedRuns(strokes(h, mark), lrX), [3, 4]);
    // Back up past run 3: the canvas is cleared, the copy with runs 5…9 (the newest without run 3) put back, and only
    // run 4 stroked over it.
    mark = await move(0.4);
    assert.deepEqual(keptDownTo(0.4), [4, 5, 6, 7, 8, 9]);
    assert.deepEqual([on(mark, 'clearRect'), on(mark, 'drawImage')], [1, 1]);
    assert.deepEqual(startedRuns(strokes(h, mark), lrX), [4]);
    // Back to the first copy's runs exactly: put back, nothing stroked.
    mark = await move(0.75);
    assert.deepEqual([on(mark, 'clearRect'), on(mark, 'drawImage')], [1, 1]);
    assert.deepEqual(startedRuns(strokes(h, mark), lrX), []);
    // Released where it was: the same runs, nothing to draw.
    mark = h.canvasCalls.length;
    pointer(h, 'pointerup', lrX, yOf(0.75));
    assert.deepEqual(startedRuns(strokes(h, mark), lrX), []);
    assert.equal(countText(h), `${keptDownTo(0.75).length} of ${RUNS} runs brushed`);
    // A new drag keeps no copy of the last one's: narrowing it draws from a cleared canvas.
    pointer(h, 'pointerdown', lrX, TOP);
    mark = await move(0.9);
    assert.deepEqual([on(mark, 'clearRect'), on(mark, 'drawImage')], [1, 0]);
    assert.deepEqual(startedRuns(strokes(h, mark), lrX), keptDownTo(0.9));
    pointer(h, 'pointerup', lrX, yOf(0.9));
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('analysis page: a scatter point clicked opens its run; hovering shows its name', async () => {
  const h = open();
  try {
    await h.frame();
    const canvas = h.document.querySelector<HTMLCanvasElement>('canvas.scatter');
    assert.ok(canvas);
    assert.equal(canvas.dataset.points, String(RUNS - 1), 'every run with lr and loss is a point');
    // x lr (log), y loss: the scatter is 500 × 340 with 64 px left, 16 right, 12 top, 40 bottom for its frame.
    const i = 4;
    const lossUnit = ((lossOf(i) ?? 0) - (lossOf(0) ?? 0)) / ((lossOf(RUNS - 2) ?? 0) - (lossOf(0) ?? 0));
    const x = 64 + lrUnit(i) * 420;
    const y = 12 + (1 - lossUnit) * 288;
    canvas.dispatchEvent(new h.window.MouseEvent('pointermove', { clientX: x + 2, clientY: y - 2, bubbles: true }));
    assert.equal(h.document.querySelector('.scatter-tip .tip-name')?.textContent, `run ${i}`);
    canvas.dispatchEvent(new h.window.MouseEvent('click', { clientX: x + 2, clientY: y - 2, bubbles: true }));
    assert.deepEqual(messagesOfType<{ type: 'openRun'; runId: string }>(h, 'openRun').map((m) => m.runId), [`run-${i}`]);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('analysis page: the scatter is coloured by the dimension chosen for it, a param too, and the choice is saved', async () => {
  const h = open();
  try {
    await h.frame();
    const select = h.document.querySelector<HTMLSelectElement>('select[aria-label="Scatter colour"]');
    assert.ok(select, 'a colour chooser for the scatter');
    assert.equal(select.value, 'metric.loss', 'the lines\' colour metric until one is chosen');
    assert.ok([...select.options].some((o) => o.value === 'param.opt'), 'params are offered');
    const mark = h.canvasCalls.length;
    select.value = 'param.opt';
    select.dispatchEvent(new h.window.Event('change'));
    await h.frame();
    // Each point is an arc on the scatter's canvas, then a fill in its run's colour: opt's categories adam, rmsprop,
    // sgd sit at the low, middle and high end of the diverging scale.
    const calls = h.canvasCalls.slice(mark).filter((c) => c.canvas === 'scatter');
    const fillAfter = (k: number): unknown => calls.slice(k).find((c) => c.method === 'fill')?.state?.fillStyle;
    const points = calls.flatMap((c, k) => (c.method === 'arc' ? [{ x: Number(c.args[0]), fill: fillAfter(k) }] : []));
    const withLoss = range(RUNS).filter((i) => lossOf(i) !== undefined);
    assert.equal(points.length, withLoss.length);
    const low = 'rgb(49, 104, 201)';
    const high = 'rgb(214, 69, 59)';
    for (const i of withLoss) {
      const fill = points.find((p) => Math.abs(p.x - (64 + lrUnit(i) * 420)) < 1e-6)?.fill;
      const opt = optOf(i);
      if (opt === 'adam') assert.equal(fill, low, `run ${i} (adam)`);
      else if (opt === 'sgd') assert.equal(fill, high, `run ${i} (sgd)`);
      else assert.ok(fill !== low && fill !== high && fill !== undefined, `run ${i} (rmsprop): between, got ${String(fill)}`);
    }
    assert.equal((h.state() as AnalysisViewState).scatterColor, 'param.opt');
    assert.equal(analysisContract.state.problem(h.state(), 'state'), undefined);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('analysis page: the axes, brushes, colour, scatter and importance choices are saved and come back when the page starts again', async () => {
  const first = open();
  let state: unknown;
  try {
    const axesBox = first.document.querySelectorAll<HTMLInputElement>('.axes-chooser')[0];
    const optBox = axesBox?.querySelector<HTMLInputElement>('input[value="param.opt"]');
    assert.ok(optBox?.checked);
    optBox.checked = false;
    optBox.dispatchEvent(new first.window.Event('change'));
    // A brush on lr (runs 5…9) is kept too.
    drag(first, 40, TOP, yOf(0.5));
    assert.equal(countText(first), `5 of ${RUNS} runs brushed`);
    for (const [label, value] of [['Colour lines by', 'metric.val_acc'], ['Scatter x', 'param.opt'], ['Importance for metric', 'metric.val_acc']] as const) {
      const s = first.document.querySelector<HTMLSelectElement>(`select[aria-label="${label}"]`);
      assert.ok(s);
      s.value = value;
      s.dispatchEvent(new first.window.Event('change'));
    }
    state = first.state();
    assert.equal(analysisContract.state.problem(state, 'state'), undefined, 'the saved state fits the contract');
  } finally {
    first.close();
  }
  const again = open(state as AnalysisViewState);
  try {
    assert.deepEqual(messagesOfType<{ type: 'ready'; state?: unknown }>(again, 'ready')[0]?.state, state, 'ready carries the saved state');
    const value = (label: string): string | undefined => again.document.querySelector<HTMLSelectElement>(`select[aria-label="${label}"]`)?.value;
    assert.equal(value('Colour lines by'), 'metric.val_acc');
    assert.equal(value('Scatter x'), 'param.opt');
    assert.equal(value('Importance for metric'), 'metric.val_acc');
    assert.deepEqual(messagesOfType<{ type: 'importance'; metric: string }>(again, 'importance').at(-1)?.metric, 'metric.val_acc');
    assert.deepEqual((again.state() as AnalysisViewState).axes, ['param.lr', 'metric.loss', 'metric.val_acc']);
    assert.equal(countText(again), `5 of ${RUNS} runs brushed`, 'the brush came back');
    assert.deepEqual([...listed(again)].sort(), ids([5, 6, 7, 8, 9]));
    // Three axes left: the lines' points at x = 40, 250 and 460 only.
    const xs = new Set(again.canvasCalls.filter((c) => c.path).map((c) => Number(c.args[0])));
    assert.deepEqual([...xs].sort((a, b) => a - b), axisXs(3));
    assert.deepEqual(again.errors, []);
  } finally {
    again.close();
  }
});

test('analysis page: 300 params, 10,000-character values and mixed types are drawn without an error; labels are cut', async () => {
  const long = 'x'.repeat(10_000);
  const rows = Array.from({ length: 30 }, (_, i) => {
    const params: Record<string, ParamValue> = { mixed: i % 2 ? i : `v${i}`, long: `${long}${i % 3}` };
    for (let p = 0; p < 300; p++) params[`p${String(p).padStart(3, '0')}`] = (i * (p + 1)) % 7;
    return row(i, params, i % 4 ? { loss: i } : {});
  });
  const h = open(undefined, analysisData(extractDimensions(rows), 'big'));
  try {
    await h.frame();
    assert.equal(h.document.querySelectorAll('.axes-chooser')[0]?.querySelectorAll('input').length, 303);
    const axes = (h.state() as AnalysisViewState).axes ?? [];
    assert.ok(axes.length <= 12 && axes.length > 0, `default axes: ${axes.length}`);
    const labels = [...h.document.querySelectorAll('label')].map((l) => l.textContent ?? '');
    assert.ok(labels.some((l) => l.includes('mixed (mixed types: categories)')), 'the mixed axis says it is categorical');
    assert.ok(h.canvasCalls.filter((c) => c.method === 'fillText').every((c) => String(c.args[0]).length <= 60), 'no label drawn whole');
    assert.ok(h.document.body.textContent !== null && !h.document.body.textContent.includes('x'.repeat(201)), 'no 10,000-character text in the page');
    assert.equal(messagesOfType<{ type: 'importance'; metric: string }>(h, 'importance').at(-1)?.metric, 'metric.loss');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('analysis page: importance bars in the host\'s order with the correlation\'s sign; the too-few-runs note; a stale answer is ignored', () => {
  const h = open();
  try {
    assert.equal(messagesOfType<{ type: 'importance'; metric: string }>(h, 'importance').at(-1)?.metric, 'metric.loss');
    assert.equal(h.document.querySelector('.importance-box')?.textContent, 'Computing…');
    // An answer for another metric (the user changed it since) is not shown.
    h.send({ type: 'importance', result: { metric: 'metric.val_acc', runs: 10, params: [], note: 'stale', ms: 1 } });
    assert.equal(h.document.querySelector('.importance-box')?.textContent, 'Computing…');
    h.send({ type: 'importance', result: {
      metric: 'metric.loss', runs: 40, ms: 12, forest: { trees: 16, sampled: 40, features: 4 },
      params: [
        { key: 'param.lr', name: 'lr', encoding: 'log10', runs: 40, pearson: 0.9, spearman: 0.95, importance: 0.8 },
        { key: 'param.opt', name: 'opt', encoding: 'binary', runs: 40, pearson: -0.3, spearman: -0.25, importance: 0.15 },
        { key: 'param.seed', name: 'seed', encoding: 'number', runs: 40, pearson: 0.01, spearman: 0.02, importance: 0.05 },
        { key: 'param.batch', name: 'batch', encoding: 'number', runs: 40, note: 'the same in every run' },
      ],
    } });
    const names = [...h.document.querySelectorAll('.bar-row .bar-name')].map((e) => e.textContent);
    assert.deepEqual(names, ['+ lr', '− opt', '+ seed'], 'sorted as the host sorted them, signed by Spearman; no bar without a value');
    const widths = [...h.document.querySelectorAll<HTMLElement>('.bar-row .bar')].map((b) => Number.parseFloat(b.style.width));
    [100, 18.75, 6.25].forEach((w, k) => assert.ok(Math.abs((widths[k] ?? 0) - w) < 1e-6, `bar widths ${JSON.stringify(widths)}`));
    assert.deepEqual([...h.document.querySelectorAll('.bar-row .bar')].map((b) => b.className), ['bar positive', 'bar negative', 'bar positive']);
    assert.match(h.document.querySelector('.importance-table')?.textContent ?? '', /the same in every run/);
    // Too few runs: the rule's note and no bars.
    h.send({ type: 'importance', result: { metric: 'metric.loss', runs: 7, params: [], note: 'Too few runs: 7 of 10 have a value of loss; importance needs at least 10.', ms: 1 } });
    assert.equal(h.document.querySelectorAll('.bar-row').length, 0);
    assert.equal(h.document.querySelector('.importance-box .note')?.textContent, 'Too few runs: 7 of 10 have a value of loss; importance needs at least 10.');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});
