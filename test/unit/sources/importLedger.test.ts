// The import ledger is written incrementally: a save appends what was noted since the last one to a journal (never
// the whole ledger), older snapshots are still read, and a process killed while appending leaves a ledger that
// holds every save it finished, reads cleanly and takes the next appends.
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { deletedImports, forgetDeletedImports, ImportLedger, LEDGER_FILE, LEDGER_JOURNAL } from '../../../src/core/sources/importLedger';

const entry = (i: number): { kind: 'mlflow-server'; root: string; sourceId: string } => ({ kind: 'mlflow-server', root: 'http://team:5000', sourceId: `src-${i}` });
const runId = (i: number): string => `mlflowsrv-${i.toString().padStart(8, '0')}`;

describe('sources: the import ledger', () => {
  let tmp: string;
  let runsDir: string;
  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'trialbook-ledger-'));
    runsDir = join(tmp, '.trialbook', 'runs');
    mkdirSync(runsDir, { recursive: true });
  });
  afterEach(() => rmSync(tmp, { recursive: true, force: true }));

  it('a save writes only what was noted since the last one, whatever the ledger holds', () => {
    const ledger = new ImportLedger(runsDir);
    for (let i = 0; i < 20_000; i++) {
      ledger.add(runId(i), entry(i));
      if (i % 100 === 99) ledger.save();
    }
    const journal = join(tmp, '.trialbook', LEDGER_JOURNAL);
    const full = statSync(journal).size;
    for (let i = 20_000; i < 20_100; i++) ledger.add(runId(i), entry(i));
    ledger.save();
    const slice = statSync(journal).size - full;
    assert.ok(slice > 0 && slice * 150 < full, `a save of 100 runs wrote ${slice} bytes beside a ledger of ${full}`);
    ledger.add(runId(5), entry(5));
    ledger.save();
    assert.equal(statSync(journal).size - full, slice, 'a run noted before is not written again');
    // Every run is in the ledger as a new process reads it: none of their folders exist, so all count as deleted.
    assert.equal(deletedImports(join(tmp, '.trialbook')).length, 20_100);
  });

  it('reads the snapshot older versions wrote, with the journal over it (forgotten runs stay forgotten)', () => {
    const tb = join(tmp, '.trialbook');
    writeFileSync(join(tb, LEDGER_FILE), JSON.stringify({ format: 1, runs: { [runId(1)]: entry(1), [runId(2)]: entry(2) } }));
    mkdirSync(join(runsDir, runId(2)));
    assert.deepEqual(deletedImports(tb).map((d) => d.runId), [runId(1)]);
    const ledger = new ImportLedger(runsDir);
    assert.ok(ledger.isDeleted(runId(1)));
    ledger.add(runId(3), entry(3));
    ledger.save();
    assert.deepEqual(forgetDeletedImports(tb, [runId(1), runId(2)]), [runId(1)]);
    assert.deepEqual(deletedImports(tb).map((d) => d.runId), [runId(3)]);
    assert.ok(!new ImportLedger(runsDir).isDeleted(runId(1)), 'forgotten: imported again');
  });

  it('an append cut short leaves every earlier save readable, and the next save starts on a line of its own', () => {
    const tb = join(tmp, '.trialbook');
    const ledger = new ImportLedger(runsDir);
    for (let i = 0; i < 10; i++) ledger.add(runId(i), entry(i));
    ledger.save();
    ledger.add(runId(10), entry(10));
    ledger.save();
    // A crash in the middle of the last append: its line is cut.
    const journal = join(tb, LEDGER_JOURNAL);
    truncateSync(journal, statSync(journal).size - 12);
    assert.equal(deletedImports(tb).length, 10, 'the cut line is skipped, the others are read');
    const next = new ImportLedger(runsDir);
    next.add(runId(10), entry(10));
    next.add(runId(11), entry(11));
    next.save();
    assert.deepEqual(deletedImports(tb).map((d) => d.runId).sort(), Array.from({ length: 12 }, (_, i) => runId(i)));
    assert.ok(readFileSync(journal, 'utf8').split('\n').filter((l) => l !== '').length >= 12);
  });

  it('a process killed while it saves slice after slice leaves a ledger holding every save it finished', async () => {
    const tb = join(tmp, '.trialbook');
    const script = `
      const { ImportLedger } = require(${JSON.stringify(require.resolve('../../../src/core/sources/importLedger'))});
      const ledger = new ImportLedger(${JSON.stringify(runsDir)});
      for (let i = 0; ; i++) {
        ledger.add('mlflowsrv-' + String(i).padStart(8, '0'), { kind: 'mlflow-server', root: 'http://team:5000', sourceId: 'src-' + i });
        if (i % 100 === 99) { ledger.save(); process.stdout.write('saved ' + (i + 1) + '\\n'); }
      }`;
    const child = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] });
    let saved = 0;
    await new Promise<void>((resolve) => {
      let out = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
        const all = [...out.matchAll(/saved (\d+)\n/g)];
        saved = Number(all[all.length - 1]?.[1] ?? 0);
        if (saved >= 3000) child.kill('SIGKILL');
      });
      child.on('exit', () => resolve());
    });
    const found = new Set(deletedImports(tb).map((d) => d.runId));
    assert.ok(found.size >= saved, `${found.size} runs read back; ${saved} were saved before the kill`);
    for (let i = 0; i < saved; i++) assert.ok(found.has(runId(i)), `${runId(i)} (saved before the kill) is in the ledger`);
    // The next process appends after whatever the kill left.
    const next = new ImportLedger(runsDir);
    next.add('mlflowsrv-after', entry(-1));
    next.save();
    assert.ok(new Set(deletedImports(tb).map((d) => d.runId)).has('mlflowsrv-after'));
  });
});
