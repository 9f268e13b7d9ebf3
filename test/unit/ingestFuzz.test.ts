// Fuzz: thousands of random mutations of real event lines fed to ingest. The judge of which lines are valid is
// independent of the reader: Python's jsonschema on schema/event.schema.json plus the documented reader limits
// (test/unit/eventOracle.py). Set TRIALBOOK_FUZZ_SEED to replay a failure; the seed is printed.
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { openRunIndex } from '../../src/core/openRunIndex';
import { captureLog, REPO_ROOT, runId, Workspace } from './workspaceFixture';
import { prng } from '../fixtures/prng';
import { RunLog } from '../fixtures/runLog';

const LINES = Number(process.env.TRIALBOOK_FUZZ_LINES ?? 3000);

const ID = runId(99);
/** The valid lines every mutation starts from: built, and checked against the schema, by the test-log builder. */
const BASE: object[] = new RunLog(ID)
  .start({ experiment: 'demo', name: 'brave-otter', notes: 'why', tags: ['a', 'b'],
    config: { lr: 0.01, opt: 'adam', layers: [64, 32], nested: { a: Number.NaN } }, resumed: false, group: 'g', rank: 0,
    lineage: { user: 'ada', host: 'box', pid: 42, argv: ['train.py', '--lr', '0.01'], script: '/w/train.py', git: { commit: 'abc', dirty: true, path: 'train.py', untracked: ['train.py'], modified: [], files_truncated: false },
      notebook: { path: '/w/n.ipynb', session: 'n.ipynb' }, packages: { numpy: '1.26.4' },
      sources: [{ path: '/w/train.py', state: 'untracked', sha256: 'cd'.repeat(32), size: 12, stored: `sources/${'cd'.repeat(32)}` }] },
    sdk: { name: 'trialbook-python', version: '0.1.0' } }, 1795743612.12)
  .metrics(0, { loss: 1.0, acc: 0.1 }, { ts: 1795743612.2 })
  .metrics(1, { loss: Number.NaN, acc: Infinity }, { ts: 1795743612.3 })
  .metrics(2, { loss: 0.5 }, { ts: 1795743612.4, cell: { exec: 3, hash: '0123456789abcdef', notebook: '/w/n.ipynb' } })
  .params({ lr: 0.02, flag: true, none: null, inf: Infinity }, 1795743612.5)
  .summary({ best: 0.9 }, 1795743612.6)
  .tags(['x'], 1795743612.7)
  .notes('more notes', 1795743612.8)
  .artifact({ name: 'model', path: 'out/m.pt', type: 'model', size: 123, sha256: 'ab'.repeat(32), files: 1, copied: false, metadata: { k: 1 } }, 1795743612.9)
  .dataset({ key: 'k1', name: 'train', source: '/d/train.csv', kind: 'file', status: 'unreadable', sha256: 'ef'.repeat(32), size: 9,
    rows: 2, columns: ['a', 'b'], format: 'csv', context: 'training', bytes_hashed: 9, files_cached: 0, seconds: 0.5,
    unreadable: [{ path: 'x', error: 'EIO' }], unreadable_count: 1 }, 1795743613)
  .heartbeat(1795743617.3)
  .warning('careful', 1795743617.4)
  .end('finished', undefined, 1795743618.0)
  .text().trimEnd().split('\n').map((line) => JSON.parse(line) as object);

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };

// Everything below is deliberately unchecked: mutated builder lines, and raw or literal lines that are bad, foreign
// (newer versions, unknown kinds) or at the edges of the limits. Which of them are valid is the judge's call.
function mutate(rnd: () => number, bigStrings: { left: number }): Buffer {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T;
  const base = JSON.parse(JSON.stringify(pick(BASE))) as { [k: string]: Json };
  const kind = Math.floor(rnd() * 13);
  const paths = (o: Json, prefix: string[] = []): string[][] => {
    if (o === null || typeof o !== 'object') return [prefix];
    const entries = Array.isArray(o) ? o.map((v, i) => [String(i), v] as const) : Object.entries(o);
    return [prefix, ...entries.flatMap(([k, v]) => paths(v, [...prefix, k]))];
  };
  const setAt = (o: { [k: string]: Json }, path: string[], value: Json): void => {
    if (path.length === 0) return;
    let cur: Json = o;
    for (const k of path.slice(0, -1)) cur = (cur as { [k: string]: Json })[k] as Json;
    (cur as { [k: string]: Json })[path[path.length - 1]!] = value;
  };
  const randomValue = (): Json => pick<Json>(['s', '', 0, -1, 1.5, 1e-300, true, false, null, [], {}, [1, 'a'], { x: 1 }, 'NaN', 'Infinity', -0]);
  let text: string;
  switch (kind) {
    case 0: return Buffer.from(JSON.stringify(base));                                  // unchanged
    case 1: {                                                                          // wrong type anywhere
      const ps = paths(base).filter((p) => p.length > 0);
      setAt(base, pick(ps), randomValue());
      return Buffer.from(JSON.stringify(base));
    }
    case 2: {                                                                          // missing field
      const keys = Object.keys(base);
      delete base[pick(keys)];
      return Buffer.from(JSON.stringify(base));
    }
    case 3: {                                                                          // huge numbers
      text = JSON.stringify(base);
      const nums = [...text.matchAll(/-?\d+(\.\d+)?(e-?\d+)?/g)];
      if (nums.length === 0) return Buffer.from(text);
      const m = pick(nums);
      const huge = pick(['1e400', '-1e400', '9'.repeat(400), '1e308', '123456789012345678901234567890', '4.9e-324', '1e-400']);
      return Buffer.from(text.slice(0, m.index) + huge + text.slice((m.index ?? 0) + m[0].length));
    }
    case 4: {                                                                          // NaN encodings
      const enc = pick(['"NaN"', '"nan"', 'NaN', '{"$float":"NaN"}', '"Infinity"', '"-Infinity"', 'Infinity', '"inf"', '{"$float":"nan"}', 'null']);
      const t = pick(['metrics', 'params']);
      const line = t === 'metrics' ? `{"v":1,"t":"metrics","ts":1795743613,"step":5,"values":{"loss":${enc}}}` : `{"v":1,"t":"params","ts":1795743613,"params":{"p":${enc}}}`;
      return Buffer.from(line);
    }
    case 5: {                                                                          // deep nesting
      const depth = 1 + Math.floor(rnd() * 200);
      const nested = '['.repeat(depth) + '1' + ']'.repeat(depth);
      const where = pick(['params', 'unknown', 'summary']);
      if (where === 'params') return Buffer.from(`{"v":1,"t":"params","ts":1795743613,"params":{"deep":${nested}}}`);
      if (where === 'summary') return Buffer.from(`{"v":1,"t":"summary","ts":1795743613,"summary":{"deep":${nested}}}`);
      return Buffer.from(`{"v":1,"t":"heartbeat","ts":1795743613,"future":${nested}}`);
    }
    case 6: {                                                                          // big strings
      const size = bigStrings.left-- > 0 ? pick([10 * 1024 * 1024, 64 * 1024, 64 * 1024 + 1, 1024 * 1024 + 1]) : pick([300, 64 * 1024 + 1]);
      const s = 'x'.repeat(size);
      const where = pick(['param', 'notes', 'warning', 'name']);
      if (where === 'param') return Buffer.from(`{"v":1,"t":"params","ts":1795743613,"params":{"big":"${s}"}}`);
      if (where === 'notes') return Buffer.from(`{"v":1,"t":"notes","ts":1795743613,"notes":"${s}"}`);
      if (where === 'warning') return Buffer.from(`{"v":1,"t":"warning","ts":1795743613,"message":"${s}"}`);
      return Buffer.from(`{"v":1,"t":"metrics","ts":1795743613,"step":1,"values":{"${s.slice(0, 249 + Math.floor(rnd() * 4))}":1}}`);
    }
    case 7: case 8: {                                                                  // truncation
      const b = Buffer.from(JSON.stringify(base));
      return b.subarray(0, Math.floor(rnd() * b.length));
    }
    case 9: case 10: {                                                                 // flipped bytes
      const b = Buffer.from(JSON.stringify({ ...base, u: 'é✓😀' }));
      const flips = 1 + Math.floor(rnd() * 3);
      for (let i = 0; i < flips; i++) {
        const at = Math.floor(rnd() * b.length);
        b[at] = b[at]! ^ (1 << Math.floor(rnd() * 8));
        if (b[at] === 0x0a) b[at] = 0x20; // a newline would make two lines
      }
      return b;
    }
    case 11: {                                                                         // unknown kind, odd keys
      return Buffer.from(JSON.stringify(pick<object>([
        { v: 1, t: 'future_kind', ts: 1795743613, payload: { a: [1, 2] } },
        { v: 2, t: 'metrics', ts: 1795743613, step: 7, values: { loss: 0.1 }, extra: true },
        { v: 1, t: 'metrics', ts: 1795743613, step: 7, values: { '': 1 } },
        { v: 1, t: 'metrics', ts: 1795743613, step: 7, values: { ['k'.repeat(250)]: 1 } },
        { v: 1, t: 'metrics', ts: 1795743613, step: 7, values: { ['😀'.repeat(250)]: 1 } },
        { v: 1, t: 'metrics', ts: 1795743613, step: 7, values: { ['😀'.repeat(251)]: 1 } },
        { v: 1, t: 'metrics', ts: 1795743613, step: 7.5, values: { loss: 1 } },
        { v: 1, t: 'x'.repeat(65), ts: 1795743613 },
        [1, 2, 3], { s: 'just a string' },
      ])));
    }
    default: {                                                                         // raw junk
      return Buffer.from(pick(['', ' ', '\r', '{}', '{"v":1}', '\u0000', '{"v":1,"t":"heartbeat","ts":1}\r', '﻿{"v":1,"t":"heartbeat","ts":1}']));
    }
  }
}

describe('ingest fuzz', () => {
  it('survives random mutations of real event lines: no exception, every valid line ingested, skipped counts right', async (t) => {
    const seed = Number(process.env.TRIALBOOK_FUZZ_SEED ?? Math.floor(Math.random() * 2 ** 31));
    t.diagnostic(`fuzz seed ${seed} (replay with TRIALBOOK_FUZZ_SEED=${seed})`);
    process.stdout.write(`# fuzz seed ${seed}\n`);
    const rnd = prng(seed);
    const ws = new Workspace();
    try {
      const bigStrings = { left: 4 };
      const lines: Buffer[] = [Buffer.from(JSON.stringify(BASE[0]))];
      for (let i = 1; i < LINES; i++) lines.push(mutate(rnd, bigStrings));
      ws.appendRaw(ID, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
      const file = join(ws.root, 'lines.jsonl');
      writeFileSync(file, Buffer.concat(lines.flatMap((l) => [l, Buffer.from('\n')])));
      const verdicts = JSON.parse(execFileSync('/usr/bin/python3', [join(REPO_ROOT, 'test', 'unit', 'eventOracle.py'),
        join(REPO_ROOT, 'schema', 'event.schema.json'), file], { maxBuffer: 64 * 1024 * 1024 }).toString()) as number[];
      assert.equal(verdicts.length, lines.length);
      const invalidLines = verdicts.flatMap((v, i) => (v === 0 ? [i + 1] : []));
      // Expected metric counts and last values from the valid lines, by the judge's verdict.
      const counts = new Map<string, number>();
      for (let i = 0; i < lines.length; i++) {
        if (verdicts[i] !== 1) continue;
        const ev = JSON.parse(lines[i]!.toString('utf8')) as { t: string; values?: Record<string, unknown> };
        if (ev.t === 'metrics') for (const k of Object.keys(ev.values ?? {})) counts.set(k, (counts.get(k) ?? 0) + 1);
      }
      // The same lines, read on the calling thread and on the reader worker thread: both must judge them right.
      const runs: unknown[] = [];
      for (const readerWorker of [false, { minBytes: 0 }] as const) {
        const log = captureLog();
        const index = await openRunIndex(ws.options(log, { readerWorker, readOnly: true }));
        const report = await index.sync();
        assert.equal(report.reader, readerWorker ? 'worker' : 'inline');
        const run = index.getRun(ID);
        assert.ok(run, 'the run is indexed');
        const reported = report.problems.map((p) => p.line);
        const disagree = (a: number[], b: number[]): number[] => a.filter((x) => !b.includes(x));
        const wronglySkipped = disagree(reported, invalidLines);
        const wronglyAccepted = disagree(invalidLines, reported);
        const show = (ns: number[]): string => ns.slice(0, 3).map((n) => `line ${n}: ${lines[n - 1]!.subarray(0, 200).toString('latin1')}`).join('\n');
        assert.deepEqual(wronglySkipped, [], `valid lines skipped (seed ${seed}):\n${show(wronglySkipped)}`);
        assert.deepEqual(wronglyAccepted, [], `invalid lines accepted (seed ${seed}):\n${show(wronglyAccepted)}`);
        assert.equal(run.skippedLines, invalidLines.length);
        for (const [k, n] of counts) assert.equal(run.metrics[k]?.count, n, `points of metric ${k.slice(0, 40)}`);
        assert.equal(Object.keys(run.metrics).length, counts.size);
        const total = index.series({ runIds: [ID], keys: [...counts.keys()], xAxis: 'step', maxPoints: 1e9 }).reduce((s, l) => s + l.totalPoints, 0);
        assert.equal(total, [...counts.values()].reduce((a, b) => a + b, 0), 'every valid point is stored');
        runs.push({ ...run, status: undefined });
        await index.close();
      }
      assert.deepEqual(runs[1], runs[0], 'the worker thread indexes exactly what the calling thread does');
    } finally {
      ws.dispose();
    }
  });
});
