// The editor's sync pass once it follows the index's change reports (SyncFeed): it looks at the runs reported
// changed and nothing else. What a pass touches is recorded by wrapping the file system calls the sync makes (the
// compiled code calls them through the `fs` module object, so the wrappers see every call), and the points are
// read back from the stand-in.
import * as assert from 'node:assert/strict';
// The module objects themselves (not import-star copies): the sync's compiled code calls through them.
import fs = require('node:fs');
import fsp = require('node:fs/promises');
import * as path from 'node:path';
import { after, before, describe, it, mock } from 'node:test';
import { RegistryError } from '../../src/core/registry/errors';
import { SyncApi } from '../../src/core/sync/syncApi';
import { SyncFeed } from '../../src/core/sync/syncFeed';
import { parseSyncTarget } from '../../src/core/sync/syncTarget';
import { memoOfTarget, pendingPoints, syncWorkspace, type SyncOptions } from '../../src/core/sync/workspaceSync';
import { MlflowStandIn } from '../fixtures/mlflow/mlflowServer';
import { RunLog } from '../fixtures/runLog';
import { tempDir } from './fixtures';
import { findRun, history, targetText } from './syncHelpers';

const T0 = 1_795_743_612;
const SYNC_CALLS = ['statSync', 'lstatSync', 'existsSync', 'readFileSync', 'openSync', 'readdirSync', 'writeFileSync', 'renameSync'] as const;
const ASYNC_CALLS = ['stat', 'lstat', 'readdir', 'readFile', 'open'] as const;

/** Every path given to the file system calls a sync makes, while `work` runs. */
async function pathsTouched(work: () => Promise<void>): Promise<string[]> {
  const seen: string[] = [];
  const restore: Array<() => void> = [];
  const wrap = (target: object, name: string): void => {
    const original = (target as Record<string, unknown>)[name] as (...args: unknown[]) => unknown;
    const spy = mock.method(target as Record<string, (...args: unknown[]) => unknown>, name, (...args: unknown[]) => { seen.push(String(args[0])); return original.apply(target, args); });
    restore.push(() => spy.mock.restore());
  };
  for (const name of SYNC_CALLS) wrap(fs, name);
  for (const name of ASYNC_CALLS) wrap(fsp, name);
  try {
    await work();
  } finally {
    for (const r of restore) r();
  }
  return seen;
}

describe('sync passes that follow the index\'s change reports', () => {
  let server: MlflowStandIn;
  let api: SyncApi;
  const dirs: string[] = [];
  before(async () => { server = await MlflowStandIn.start(); api = new SyncApi(server.uri, { credentials: { kind: 'anonymous' } }); });
  after(async () => { await server.stop(); for (const d of dirs) fs.rmSync(d, { recursive: true, force: true }); });

  it('a pass after one run changed reads and stats only that run\'s files, and sends exactly its new points', async () => {
    const dir = tempDir('sync-feed');
    dirs.push(dir);
    const tb = path.join(dir, '.trialbook');
    const others = Array.from({ length: 6 }, (_, i) => `20261127T024012123-feed0000${i}0`);
    for (const [i, id] of others.entries()) {
      new RunLog(id).start({ experiment: 'feed', name: `done-${i}` }, T0).series(20, (s) => ({ loss: 1 / (s + 1) })).end('finished', undefined, T0 + 30).writeTo(tb);
    }
    const liveId = '20261127T024012123-feedlive00';
    const live = new RunLog(liveId).start({ experiment: 'feed', name: 'live' }, T0).series(10, (s) => ({ loss: s }));
    live.writeTo(tb);
    const options: SyncOptions = { trialbookDir: tb, target: parseSyncTarget(targetText(server.uri), 'feed/'), credentials: { kind: 'anonymous' }, now: () => (T0 + 20) * 1000 };
    const memo = memoOfTarget(tb, options.target);
    const feed = new SyncFeed();

    // The first pass has no report to follow: it lists every run.
    assert.equal(feed.take(memo, (T0 + 20) * 1000), undefined);
    const first = await syncWorkspace(options);
    assert.equal(first.runs, 7);
    assert.equal(first.points, 6 * 20 + 10);

    // The live run logs on; the index reports it changed.
    live.series(25, (s) => ({ loss: s }), 10).writeTo(tb);
    feed.note([liveId]);
    const runIds = feed.take(memo, (T0 + 20) * 1000);
    assert.deepEqual(runIds, [liveId]);
    let report: Awaited<ReturnType<typeof syncWorkspace>> | undefined;
    let left: { points: number } | undefined;
    const touched = await pathsTouched(async () => {
      report = await syncWorkspace({ ...options, runIds });
      left = await pendingPoints(tb, options.target, runIds);
    });
    assert.equal(report?.runs, 1);
    assert.equal(report?.points, 25);
    assert.equal(left?.points, 0);
    const runsDir = path.join(tb, 'runs');
    assert.ok(touched.some((p) => p.includes(liveId)), 'the changed run is read');
    assert.deepEqual(touched.filter((p) => others.some((id) => p.includes(id))), [], 'no file of an unchanged run is read or stat\'ed');
    assert.ok(!touched.includes(runsDir), 'the runs folder is not listed');

    // On the server: every point of the live run once, in order.
    const remote = await findRun(api, 'feed/feed', liveId);
    assert.deepEqual((await history(api, remote.info.run_id, 'loss')).map((p) => p.step), Array.from({ length: 35 }, (_, i) => i));

    // Nothing reported: a pass looks at nothing, until the running run's quiet time is over (it then counts as crashed).
    assert.deepEqual(feed.take(memo, (T0 + 20) * 1000), []);
    const later = (T0 + 10_000) * 1000;
    assert.deepEqual(feed.take(memo, later), [liveId]);
    const crashed = await syncWorkspace({ ...options, now: () => later, runIds: [liveId] });
    assert.equal(crashed.runsChanged, 1);
    assert.equal((await findRun(api, 'feed/feed', liveId)).info.status, 'FAILED');
    assert.deepEqual(feed.take(memo, later + 1000), [], 'a crashed run is quiet for good');
  });

  it('a refused run is looked at again on the next pass; a pass that stopped makes the next one list every run', () => {
    const feed = new SyncFeed();
    const memo = memoOfTarget(tempDir('sync-feed-memo'), parseSyncTarget('mlflow+http://127.0.0.1:9/'));
    assert.equal(feed.take(memo, 0), undefined);
    feed.note(['a']);
    assert.deepEqual(feed.take(memo, 0), ['a']);
    feed.after({ problems: [{ runId: 'b', message: 'refused' }] });
    assert.deepEqual(feed.take(memo, 0), ['b']);
    feed.note(['c']);
    feed.after({ problems: [], stopped: new RegistryError('unreachable', 'MLflow server away') });
    assert.equal(feed.take(memo, 0), undefined, 'runs the stopped pass never reached are found by a listing');
  });

  it('a pass to another target lists every run, even when the setting changed after the feed had listed for the old one', () => {
    const feed = new SyncFeed();
    const dir = tempDir('sync-feed-targets');
    const old = memoOfTarget(dir, parseSyncTarget('mlflow+http://127.0.0.1:9/'));
    const other = memoOfTarget(dir, parseSyncTarget('mlflow+http://127.0.0.1:10/'));
    feed.relist(); // the setting changed: a pass that was already on its way to the old target takes the listing
    assert.equal(feed.take(old, 0), undefined);
    feed.note(['a']);
    assert.equal(feed.take(other, 0), undefined, 'the new target has none of the runs: its first pass lists them all');
    feed.note(['b']);
    assert.deepEqual(feed.take(other, 0), ['b'], 'then it follows the reports again');
    assert.equal(feed.take(old, 0), undefined, 'and back to the old target lists again');
  });
});
