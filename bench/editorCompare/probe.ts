// Loaded by bench/editorCompare.mjs as the extension tests entry inside the real VS Code: watches the extension
// host's thread while the benchmark drives the editor, and writes every stall (a timer that fired late) to the
// result file when the benchmark asks it to stop.
import { existsSync, writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';
import * as vscode from 'vscode';
import type { TrialbookApi } from '../../src/vscode/testApi';
import { mainThreadSched } from '../threadSched';
import { serveBareOpens } from './bareWebview';

/** The timer's period: a stall is the time between two ticks beyond it. */
const TICK_MS = 5;

export async function run(): Promise<void> {
  const control = process.env.TRIALBOOK_BENCH_CONTROL;
  if (!control) throw new Error('TRIALBOOK_BENCH_CONTROL is not set');
  const extension = vscode.extensions.getExtension<TrialbookApi>('trialbook.trialbook');
  if (!extension) throw new Error('the Trialbook extension is not loaded');
  const api = await extension.activate();
  await api.runsTree();
  /**
   * [epoch ms when the stall ended, its length, the thread's time on a core in it, its time waiting for a core] (ms),
   * for stalls of 20 ms or more: a stall mostly spent waiting was the machine's other load, not a task of this thread.
   */
  const stalls: Array<[number, number, number, number]> = [];
  let last = performance.now();
  let sched = mainThreadSched();
  const timer = setInterval(() => {
    const now = performance.now();
    const next = mainThreadSched();
    const stall = now - last - TICK_MS;
    if (stall >= 20) stalls.push([Date.now(), Math.round(stall), Math.round((next.cpuNs - sched.cpuNs) / 1e6), Math.round((next.waitNs - sched.waitNs) / 1e6)]);
    last = now;
    sched = next;
  }, TICK_MS);
  // TRIALBOOK_BENCH_PROFILE=1: a CPU profile of the extension host over the whole drive (host.cpuprofile).
  const profiler = process.env.TRIALBOOK_BENCH_PROFILE ? new Session() : undefined;
  if (profiler) {
    profiler.connect();
    await new Promise<void>((resolve) => profiler.post('Profiler.enable', () => profiler.post('Profiler.start', () => resolve())));
  }
  writeFileSync(`${control}/started`, '');
  // The new-panel baseline: bare Chart.js in a new webview, opened when the bench asks (bareWebview.ts).
  const serving = serveBareOpens(control, extension.extensionUri, () => existsSync(`${control}/stop`));
  await new Promise<void>((resolve) => {
    const poll = setInterval(() => {
      if (!existsSync(`${control}/stop`)) return;
      clearInterval(poll);
      resolve();
    }, 100);
  });
  clearInterval(timer);
  await serving;
  if (profiler) {
    await new Promise<void>((resolve) => profiler.post('Profiler.stop', (err, result) => {
      if (!err) writeFileSync(`${control}/host.cpuprofile`, JSON.stringify(result.profile));
      resolve();
    }));
  }
  // The profile's clock (microseconds, monotonic) against the epoch, to line it up with the benchmark's timestamps.
  const clock = { epochMs: Date.now(), hrUs: Number(process.hrtime.bigint() / 1000n) };
  writeFileSync(`${control}/result.json`, JSON.stringify({ stalls, panels: api.comparePanels(), clock }));
}
