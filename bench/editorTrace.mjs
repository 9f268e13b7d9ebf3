// What the editor's renderer main thread did after each Compare click, from a trace the editor-compare bench wrote
// (TRIALBOOK_BENCH_TRACE=open|warm). In code-server the workbench, the runs table and the comparison share that thread:
// this says how much of the time from the click to the painted comparison it was busy, and with what (self time by
// event, script time by file). A tool for finding costs, not a figure.
//
//   node bench/editorTrace.mjs <trace.json> [window ms after the click, default 1500] [min task ms to list, default 8]
import { readFileSync } from 'node:fs';

const [file, windowArg, minArg] = process.argv.slice(2);
if (!file) {
  console.error('usage: node bench/editorTrace.mjs <trace.json> [window ms] [min task ms]');
  process.exit(2);
}
const WINDOW_US = Number(windowArg ?? 1500) * 1000;
const MIN_TASK_US = Number(minArg ?? 8) * 1000;
const CLICK_MARK = 'trialbook-compare-click';
const TASK = 'ThreadControllerImpl::RunTask';

const { traceEvents } = JSON.parse(readFileSync(file, 'utf8'));
const threadName = new Map();
for (const e of traceEvents) if (e.ph === 'M' && e.name === 'thread_name') threadName.set(`${e.pid}/${e.tid}`, e.args.name);
const clicks = traceEvents.filter((e) => e.name === CLICK_MARK).sort((a, b) => a.ts - b.ts);
if (clicks.length === 0) {
  console.error(`no ${CLICK_MARK} mark in ${file}`);
  process.exit(1);
}
// The renderer main thread that marked the clicks (the workbench's, shared with its webviews' frames here).
const pid = clicks[0].pid;
const main = traceEvents.filter((e) => e.ph === 'X' && e.pid === pid && threadName.get(`${e.pid}/${e.tid}`) === 'CrRendererMain')
  .sort((a, b) => a.ts - b.ts || b.dur - a.dur);

/** What an event is, for the breakdown: scripts by their file, the rest by name. */
function label(e) {
  const data = e.args?.data ?? {};
  if (e.name === 'FunctionCall' || e.name === 'EvaluateScript' || e.name === 'TimerFire' || e.name === 'v8.evaluateModule') {
    const url = String(data.url ?? '').split('?')[0].split('/').pop();
    return url ? `script ${url}` : e.name;
  }
  return e.name;
}

/** Self time per label of the events within [from, to), nested by time (a child's time is not its parent's). */
function selfTimes(events) {
  const self = new Map();
  const stack = [];
  const add = (e, us) => self.set(label(e), (self.get(label(e)) ?? 0) + us);
  for (const e of events) {
    while (stack.length && stack[stack.length - 1].end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) add(parent.e, -Math.min(e.dur, parent.end - e.ts));
    add(e, e.dur);
    stack.push({ e, end: e.ts + e.dur });
  }
  return [...self].filter(([, us]) => us > 0).sort((a, b) => b[1] - a[1]);
}

const ms = (us) => (us / 1000).toFixed(1);
clicks.forEach((click, i) => {
  const from = click.ts;
  const to = from + WINDOW_US;
  const inWindow = main.filter((e) => e.ts >= from && e.ts < to);
  const tasks = inWindow.filter((e) => e.name === TASK);
  const busy = tasks.reduce((n, t) => n + Math.min(t.dur, to - t.ts), 0);
  console.log(`\nclick ${i + 1}: renderer main thread busy ${ms(busy)} of ${ms(WINDOW_US)} ms (${Math.round((100 * busy) / WINDOW_US)}%) after the click`);
  const breakdown = selfTimes(inWindow.filter((e) => e.name !== TASK)).slice(0, 10);
  console.log(`  self time: ${breakdown.map(([name, us]) => `${name} ${ms(us)}`).join(', ')}`);
  for (const task of tasks.filter((t) => t.dur >= MIN_TASK_US)) {
    const inside = inWindow.filter((e) => e !== task && e.name !== TASK && e.ts >= task.ts && e.ts + e.dur <= task.ts + task.dur);
    const top = selfTimes(inside).slice(0, 4).map(([name, us]) => `${name} ${ms(us)}`).join(', ');
    console.log(`  +${ms(task.ts - from).padStart(7)} ms  ${ms(task.dur).padStart(6)} ms  ${top}`);
  }
});
