// The live run of bench/syncLive.ts, in a process of its own (its work is the training script's, not the
// editor's): appends metrics to a run log at a steady rate of points per second through the validated log
// builder, then ends the run. Arguments: <.trialbook dir> <run id> <points per second> <seconds> <metrics per step>.
import { RunLog } from '../test/fixtures/runLog';

const [dir = '', runId = '', rateText = '1000', secondsText = '30', metricsText = '10'] = process.argv.slice(2);
const rate = Number(rateText);
const seconds = Number(secondsText);
const perStep = Number(metricsText);
const names = Array.from({ length: perStep }, (_, i) => (i === 0 ? 'loss' : `live/metric_${i}`));
const log = new RunLog(runId).start({ experiment: 'live', name: 'live-run', config: { lr: 0.001 } }, Date.now() / 1000);
log.writeTo(dir);
const t0 = Date.now();
let step = 0;
const timer = setInterval(() => {
  const elapsed = (Date.now() - t0) / 1000;
  const due = (Math.min(elapsed, seconds) * rate) / perStep;
  while (step < due) {
    const values: Record<string, number> = {};
    for (const [i, name] of names.entries()) values[name] = Math.sin(step / 50 + i) / (1 + step / 1000);
    log.metrics(step, values, { ts: Date.now() / 1000 });
    step++;
  }
  log.writeTo(dir);
  if (elapsed >= seconds) {
    clearInterval(timer);
    log.end('finished', undefined, Date.now() / 1000).writeTo(dir);
    process.stdout.write(`done ${step} ${step * perStep}\n`);
  }
}, 100);
