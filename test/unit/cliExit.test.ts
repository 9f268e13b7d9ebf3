// Every CLI call exits when its work is done, also while SDK processes keep logging into the same workspace
// (Node 20 can otherwise hang at exit: nodejs/node#54918, see src/cli/processExit.ts).
import { strict as assert } from 'node:assert';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { REPO_ROOT, runId, Workspace } from './workspaceFixture';
import { eventLine } from '../fixtures/runLog';

// The bundle users run (scripts/test.mjs builds it before the tiers).
const CLI = join(REPO_ROOT, 'dist', 'cli.js');
const CALLS = 200;
const AT_ONCE = 4;
const LOGGERS = 8;
/** Far above a call's normal time even on a busy machine; a hang never ends. */
const DEADLINE_MS = 90_000;

// Bursts of log() calls as fast as Python goes, with pauses that keep the logs to a few MB a minute (so the 200th
// call reads about as much as the first, and the test's time stays about the same on a busy machine).
const LOGGER = `
import sys, time, trialbook
run = trialbook.init(experiment="load", name=sys.argv[1], config={"lr": 0.01, "worker": sys.argv[1]})
step = 0
while True:
    for _ in range(20):
        run.log({"loss": 1.0 / (step + 1), "acc": step * 1e-6, "lr": 0.01, "grad": 0.5})
        step += 1
    time.sleep(0.5)
`;
/**
 * A finished run whose log alone is large enough for the log reader worker thread (8 MiB), read by each rebuild:
 * heartbeats padded with a field readers ignore, so the index (loaded and saved by every call) stays small.
 */
const ARCHIVE_HEARTBEATS = 1_100;
const PAD = 'x'.repeat(8_000);

interface CallResult { code: number | null; signal: NodeJS.Signals | null; ms: number; out: string; err: string; timedOut: boolean }

function callCli(args: string[]): Promise<CallResult> {
  const started = Date.now();
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    let timedOut = false;
    child.stdout.setEncoding('utf8').on('data', (d: string) => { out += d; });
    child.stderr.setEncoding('utf8').on('data', (d: string) => { err += d; });
    const timer = setTimeout(() => { timedOut = true; child.kill('SIGKILL'); }, DEADLINE_MS);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, ms: Date.now() - started, out, err, timedOut });
    });
  });
}

describe('command line: exits under concurrent logging', () => {
  let ws: Workspace;
  const loggers: ChildProcess[] = [];

  before(async () => {
    assert.ok(existsSync(CLI), `${CLI} is built (npm run build)`);
    ws = new Workspace();
    const archive = runId(1);
    const log = ws.writeRun(archive, { name: 'archive', experiment: 'load', steps: 3, status: null });
    // Padded heartbeats (readers ignore unknown fields) make the log big enough for the reader thread.
    for (let i = 0; i < ARCHIVE_HEARTBEATS; i++) log.raw(eventLine('heartbeat', 1_795_743_700 + i, { pad: PAD }));
    log.end('finished', undefined, 1_795_743_700 + ARCHIVE_HEARTBEATS);
    ws.append(log);
    const env = { ...process.env, PYTHONPATH: join(REPO_ROOT, 'sdk', 'python'), TRIALBOOK_DIR: ws.trialbookDir };
    for (let i = 0; i < LOGGERS; i++) loggers.push(spawn('/usr/bin/python3', ['-c', LOGGER, `logger-${i}`], { env, stdio: 'ignore' }));
    const until = Date.now() + 60_000;
    while (readdirSync(join(ws.trialbookDir, 'runs')).length < LOGGERS + 1) {
      assert.ok(Date.now() < until, 'the SDK processes started their runs');
      await new Promise((r) => setTimeout(r, 100));
    }
  });

  after(() => {
    for (const p of loggers) p.kill('SIGKILL');
    ws.dispose();
  });

  it(`runs ${CALLS} commands, ${AT_ONCE} at a time, each ending within its deadline with its whole output`, async () => {
    const started = Date.now();
    // Wait until every run has logged (the SDK writes about once a second).
    let ids: string[] = [];
    for (const until = Date.now() + 60_000; ids.length === 0;) {
      assert.ok(Date.now() < until, 'every SDK process logged within a minute');
      const first = await callCli(['runs', '--dir', ws.root, '--json', '--quiet']);
      assert.ok(!first.timedOut, `the first call did not exit within ${DEADLINE_MS / 1000} s`);
      assert.equal(first.code, 0, first.err);
      ids = (JSON.parse(first.out) as Array<{ id: string; metrics: Record<string, unknown> }>)
        .filter((r) => Object.prototype.hasOwnProperty.call(r.metrics, 'loss')).map((r) => r.id);
      ids = ids.length === LOGGERS + 1 ? ids : [];
    }
    // Table, JSON and CSV output, reading with the writer lock or without it (another call holds it), and rebuilds
    // (which read the logs on the worker thread, or are refused while another call holds the lock).
    const commands: string[][] = [
      ['runs', '--dir', ws.root, '--quiet'],
      ['runs', '--dir', ws.root, '--json', '--quiet', '--sort', '-loss'],
      ['series', '--dir', ws.root, '--run', ids.join(','), '--metric', 'loss,acc', '--points', '200', '--quiet'],
      ['runs', '--dir', ws.root, '--quiet', '--filter', 'loss < 1 and experiment = load', '--columns', 'loss,lr'],
      ['rebuild', '--dir', ws.root, '--quiet'],
    ];
    const results: Array<CallResult & { args: string[] }> = [];
    let next = 0;
    await Promise.all(Array.from({ length: AT_ONCE }, async () => {
      while (next < CALLS) {
        const args = commands[next++ % commands.length] ?? [];
        results.push({ ...await callCli(args), args });
      }
    }));
    const hung = results.filter((r) => r.timedOut);
    assert.deepEqual(hung.map((r) => r.args.join(' ')), [], `${hung.length} of ${CALLS} calls did not exit within ${DEADLINE_MS / 1000} s`);
    let rebuilt = 0;
    for (const r of results) {
      const what = `${r.args.join(' ')}: exit ${String(r.code ?? r.signal)}: ${r.err.slice(0, 500)}`;
      if (r.args[0] === 'rebuild' && r.code === 1) {
        assert.match(r.err, /another process holds the database writer lock/, what);
        continue;
      }
      assert.equal(r.code, 0, what);
      if (r.args[0] === 'rebuild') { rebuilt++; assert.match(r.out, /^Rebuilt the index: 9 runs in .*\(logs read on a worker thread\)\.\n$/, what); }
      else if (r.args.includes('--json')) assert.equal((JSON.parse(r.out) as unknown[]).length, LOGGERS + 1, 'JSON output is complete');
      else if (r.args[0] === 'series') assert.match(r.out, /^run,metric,x,y\n(?:[^\n]+\n){2,}$/, 'CSV output is complete');
      else assert.equal(r.out.trimEnd().split('\n').length, LOGGERS + 2, 'the table is complete');
    }
    assert.ok(rebuilt > 0, 'some rebuilds ran (on the worker thread)');
    const logBytes = readdirSync(join(ws.trialbookDir, 'runs')).reduce((sum, id) => sum + statSync(ws.logPath(id)).size, 0);
    const times = results.map((r) => r.ms).sort((a, b) => a - b);
    const pick = (q: number): number => times[Math.min(times.length - 1, Math.floor(q * times.length))] ?? 0;
    console.log(`cli exit: ${CALLS} calls (${AT_ONCE} at a time, ${LOGGERS} SDK processes logging) in ${((Date.now() - started) / 1000).toFixed(1)} s;`
      + ` per call median ${pick(0.5)} ms, p95 ${pick(0.95)} ms, max ${pick(1)} ms; ${rebuilt} rebuilds ran;`
      + ` logs ${(logBytes / 2 ** 20).toFixed(1)} MiB at the end`);
  });
});
