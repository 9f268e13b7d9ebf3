// The import's output pinned byte for byte: a W&B run (value texts as Python writes them, as JavaScript does, and
// texts neither writes: not the shortest, not the nearest, exponents, "-0", "1.0") and a TensorBoard run are
// imported with the index open; the mirrored events.jsonl and the index's points and metric rows must hash to what
// the code before the number-text fast path (mirrorEvents.ts copies a value's source text when it is proven to be
// the text String(v) gives) wrote. A change to either hash is a change of output, never a speed-up.
import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import initSqlJs from 'sql.js';
import { decodeChunk } from '../../../src/core/seriesCodec';
import { openRunIndex } from '../../../src/core/openRunIndex';
import { SourceFollower } from '../../../src/core/sources/sourceFollower';
import { frameWandbRecords, wandbFileHeader } from '../../../src/core/sources/wandbLog';
import { wandbRecord, wandbRunRecords, writeTbEventFile, type TbScalar } from '../../fixtures/sourceWriters';
import { captureLog, WASM_PATH } from '../workspaceFixture';

/** A deterministic pseudo-random sequence. */
function rng(seed: number): () => number {
  let x = seed;
  return () => { x = (x * 1_103_515_245 + 12_345) % 2_147_483_648; return x / 2_147_483_648; };
}

/** Value texts of every kind a history row may hold, numbers JavaScript and Python agree on and ones they do not. */
function valueTexts(step: number, next: () => number): string[] {
  const r = next();
  const f32 = Math.fround(r * 10 - 5);
  const odd = ['1.0', '1e-05', '0.10000000000000001', '0.30000000000000004', '-0.0', '-0', '100', '1E2', '5e-324', '1e+16', '123456789012345678',
    '0.1000', '2.50', '0.000001', '0.0000001', '1e21', '9007199254740993', '0.9999999999999999', '0.99999999999999994', '-2.5e-7', 'NaN', '-Infinity',
    '0.5403023058681398', '0.54030230586813977', '0.540302305868139766', '4.35', '4.3500000000000005', '1234567.8901234567'];
  return [String(Math.cos(step)), String(r), String(f32), String(-r * 1e-3), String(Math.round(r * 1000)), String(r * 1e17), String(r * 1e-8),
    odd[step % odd.length] ?? '0', (r * 100).toFixed(step % 7), String(Math.fround(Math.sin(step)))];
}

function writeWandbRunWithTexts(wandbDir: string): void {
  const dir = join(wandbDir, 'offline-run-20240101_000000-golden');
  mkdirSync(join(dir, 'files'), { recursive: true });
  const base = wandbRunRecords({ id: 'golden', start: 1_700_000_000.25, config: { lr: 0.001 } });
  const next = rng(7);
  const rows: Uint8Array[] = [];
  for (let step = 0; step < 400; step++) {
    const item = valueTexts(step, next).map((value_json, k) => ({ key: `m${k}`, value_json }));
    item.push({ key: '_timestamp', value_json: String(1_700_000_000.25 + step * 0.37) }, { key: '_runtime', value_json: String(step * 0.37) }, { key: '_step', value_json: String(step) });
    rows.push(wandbRecord({ num: base.length + step + 1, history: { item } }));
  }
  const n = base.length + rows.length;
  const end = [wandbRecord({ num: n + 1, exit: { exit_code: 0, runtime: 200 } }), wandbRecord({ num: n + 2, final: {} }), wandbRecord({ num: n + 3, footer: {} })];
  writeFileSync(join(dir, 'run-golden.wandb'), Buffer.concat([wandbFileHeader(), frameWandbRecords([...base, ...rows, ...end])]));
}

function* tbScalars(): Generator<TbScalar> {
  const next = rng(11);
  for (let step = 0; step < 300; step++) {
    const wallTime = 1_700_000_000 + step * 0.1;
    yield { tag: 'loss', step, wallTime, value: Math.fround(1 / (step + 1) + next()) };
    yield { tag: 'acc', step, wallTime, value: Math.fround(next()) };
  }
}

const stable = (id: string): string => id.replace(/-[0-9a-f]{10}$/, '');

/** sha256 of each imported run's events.jsonl and of what the index holds for it (points, metric rows). */
async function importDigests(source: string, tmp: string): Promise<Record<string, string>> {
  const trialbookDir = join(tmp, '.trialbook');
  const log = captureLog();
  const follower = new SourceFollower(join(trialbookDir, 'runs'), log, {}, () => 1_900_000_000_000);
  follower.setSources([{ path: source }], tmp);
  const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 600_000, readerWorker: false });
  const taken: string[] = [];
  follower.setSink(async (append) => { const ok = await index.ingestImported(append); if (ok) taken.push(append.runId); return ok; });
  try {
    await follower.pass();
    await index.sync();
    const out: Record<string, string> = {};
    for (const id of readdirSync(join(trialbookDir, 'runs')).sort()) {
      const file = join(trialbookDir, 'runs', id, 'events.jsonl');
      // A TensorBoard run's id ends with a hash of the logdir's path (a temporary folder here): left out.
      out[`${stable(id)} log`] = createHash('sha256').update(readFileSync(file, 'utf8').split(id).join(stable(id))).digest('hex');
    }
    await index.save();
    const SQL = await initSqlJs({ locateFile: () => WASM_PATH });
    const db = new SQL.Database(readFileSync(join(trialbookDir, 'trialbook.db')));
    try {
      const rows = (sql: string): Record<string, unknown>[] => {
        const all: Record<string, unknown>[] = [];
        const st = db.prepare(sql);
        while (st.step()) all.push(st.getAsObject());
        st.free();
        return all;
      };
      const exact = (x: number): string => (Object.is(x, -0) ? '-0' : String(x));
      for (const m of rows('SELECT run_id, key, series_id, last, min, max, count, last_step FROM metrics ORDER BY run_id, key')) {
        const chunks = rows(`SELECT data FROM series_chunks WHERE series_id = ${Number(m.series_id)} ORDER BY seq`).map((c) => decodeChunk(c.data as Uint8Array));
        const text = chunks.map((d) => `${Array.from(d.steps, exact).join(',')}|${Array.from(d.times, exact).join(',')}|${Array.from(d.values, exact).join(',')}`).join(';');
        const row = JSON.stringify([stable(String(m.run_id)), m.key, m.last, m.min, m.max, m.count, m.last_step]);
        out[`${stable(String(m.run_id))} ${String(m.key)}`] = createHash('sha256').update(`${row}\n${text}`).digest('hex').slice(0, 16);
      }
    } finally {
      db.close();
    }
    assert.ok(taken.length > 0, 'the index took the columns');
    return out;
  } finally {
    await index.close();
    follower.close();
  }
}

/** Written by the code before the fast path (61d162c). */
const WB: Record<string, string> = {
  'wandb-golden log': '97b4453fccdd60683861acdc9499165c0aa94ae701d37eb368926c3848a2a5ee',
  'wandb-golden m0': 'f0522cf8b73a9e87',
  'wandb-golden m1': 'b76c33ca394b46d1',
  'wandb-golden m2': '3a05083597388690',
  'wandb-golden m3': '4b682d9828a1e877',
  'wandb-golden m4': '130ab6a55a6d4dab',
  'wandb-golden m5': '5003222fc4ebbbb6',
  'wandb-golden m6': 'ba64d02e5e987051',
  'wandb-golden m7': '072d9c4405a11ddb',
  'wandb-golden m8': 'b098dd99b4ae1fbf',
  'wandb-golden m9': '8791f2671f79e72b',
};
const TB: Record<string, string> = {
  'tb-run-a log': '97c17ad9b7ae693aa970ccc982050739b744afe78c6a5d7ec3a4ccc7f2758915',
  'tb-run-a acc': 'fe669f37fa9c4099',
  'tb-run-a loss': '152548c677c061ed',
};

describe('import output is byte-identical', () => {
  let tmp: string;
  beforeEach(() => { tmp = mkdtempSync(join(tmpdir(), 'trialbook-import-output-')); });
  afterEach(() => { rmSync(tmp, { recursive: true, force: true }); });

  it('W&B: log, points and summaries as before', async () => {
    writeWandbRunWithTexts(join(tmp, 'wandb'));
    const got = await importDigests(join(tmp, 'wandb'), tmp);
    assert.deepEqual(got, WB);
  });

  it('TensorBoard: log, points and summaries as before', async () => {
    writeTbEventFile(join(tmp, 'tb', 'run-a'), 1_700_000_000, tbScalars());
    const got = await importDigests(join(tmp, 'tb'), tmp);
    assert.deepEqual(got, TB);
  });
});
