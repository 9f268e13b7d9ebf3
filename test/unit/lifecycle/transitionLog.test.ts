import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { mkdtempSync, readFileSync, writeFileSync, appendFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { appendTransition, GENESIS, hashLine, logPath, readLog, readLogText, type Transition } from '../../../src/core/lifecycle/transitionLog';
import { replay } from '../../../src/core/lifecycle/modelState';

const who = { user: 'ada', gitName: 'Ada Lovelace', gitEmail: 'ada@example.com' };

function register(version: number, reason = 'first model'): Transition {
  return { action: 'register', model: 'churn', version, at: '2026-11-30T10:00:00.000Z', who, reason, runId: 'r1', artifact: 'model.pt', sha256: 'ab', stage: 'candidate' };
}

function dir(): string {
  return mkdtempSync(join(tmpdir(), 'trialbook-lifecycle-'));
}

test('append chains each entry to the previous line; replay gives models, versions, stages and history', async () => {
  const d = dir();
  const first = await appendTransition(d, register(1));
  assert.equal(first.prev, GENESIS);
  const second = await appendTransition(d, { action: 'promote', model: 'churn', version: 1, at: '2026-11-30T11:00:00.000Z', who, reason: 'beats baseline', from: 'candidate', stage: 'staging' });
  const lines = readFileSync(logPath(d), 'utf8').split('\n');
  assert.equal(lines.length, 3, 'two lines and a final newline');
  assert.equal(second.prev, hashLine(lines[0] ?? ''));
  assert.match(lines[0] ?? '', /^\{"action":"register","model":"churn","version":1,"stage":"candidate",/, 'human-readable, fixed key order');
  const read = await readLog(d);
  assert.deepEqual(read.problems, []);
  const registry = replay(read.entries, read.problems);
  const v1 = registry.models[0]?.versions[0];
  assert.equal(v1?.stage, 'staging');
  assert.equal(v1?.latestReason, 'beats baseline');
  assert.deepEqual(v1?.history.map((h) => h.entry.action), ['register', 'promote']);
  assert.equal(v1?.history[1]?.entry.who.gitEmail, 'ada@example.com');
});

test('an edited old line breaks the chain at the line after it, and is reported; the rest is kept', async () => {
  const d = dir();
  await appendTransition(d, register(1, 'first model'));
  await appendTransition(d, register(2, 'second'));
  await appendTransition(d, register(3, 'third'));
  const file = logPath(d);
  // Tampering on purpose: the reason of line 1 rewritten after line 2 was chained to it.
  writeFileSync(file, readFileSync(file, 'utf8').replace('first model', 'a nicer reason'));
  const read = await readLog(d);
  assert.equal(read.entries.length, 3, 'every entry still read');
  assert.deepEqual(read.problems.map((p) => [p.line, p.kind]), [[2, 'chain']]);
  assert.match(read.problems[0]?.message ?? '', /line 2 does not follow line 1: line 1 was changed/);
});

test('a removed line is detected too', async () => {
  const d = dir();
  for (const v of [1, 2, 3]) await appendTransition(d, register(v));
  const file = logPath(d);
  const lines = readFileSync(file, 'utf8').split('\n');
  writeFileSync(file, [lines[0], lines[2], ''].join('\n'));
  assert.deepEqual(readLogText(readFileSync(file, 'utf8')).problems.map((p) => p.line), [2]);
});

test('a broken line is reported with its number and skipped; later entries are kept and still chain', async () => {
  const d = dir();
  await appendTransition(d, register(1));
  // A deliberately broken line (a hand edit gone wrong), not an entry.
  appendFileSync(logPath(d), '{"action":"promote", this is not json\n');
  await appendTransition(d, { action: 'archive', model: 'churn', version: 1, at: '2026-11-30T12:00:00.000Z', who, reason: 'retired', from: 'candidate', stage: 'archived' });
  const read = await readLog(d);
  assert.deepEqual(read.problems.map((p) => [p.line, p.kind]), [[2, 'unreadable']]);
  assert.match(read.problems[0]?.message ?? '', /line 2 is not a transition \(not JSON\)/);
  const registry = replay(read.entries, read.problems);
  assert.equal(registry.models[0]?.versions[0]?.stage, 'archived');
});

test('a last line cut short by a crash is kept as written and chained to', async () => {
  const d = dir();
  await appendTransition(d, register(1));
  appendFileSync(logPath(d), '{"action":"reg'); // deliberately partial: no newline
  await appendTransition(d, register(2));
  const read = await readLog(d);
  assert.deepEqual(read.problems.map((p) => [p.line, p.kind]), [[2, 'unreadable']]);
  assert.deepEqual(read.entries.map((e) => e.entry.version), [1, 2]);
  assert.ok(readFileSync(logPath(d), 'utf8').includes('{"action":"reg\n'), 'the partial line is not rewritten');
});

test('entries about unregistered versions and bad fields are reported, not applied', () => {
  const line = (t: Record<string, unknown>, prev: string): string => JSON.stringify({ ...t, prev });
  const a = line({ action: 'promote', model: 'x', version: 4, at: '2026-01-01T00:00:00Z', who: {}, reason: 'r', stage: 'production' }, GENESIS);
  const b = line({ action: 'register', model: 'x', version: 1, at: 'yesterday', who: {}, reason: 'r', runId: 'r', artifact: 'a' }, hashLine(a));
  const read = readLogText(`${a}\n${b}\n`);
  assert.deepEqual(read.problems.map((p) => p.line), [2]);
  assert.match(read.problems[0]?.message ?? '', /no valid time/);
  const registry = replay(read.entries, read.problems);
  assert.deepEqual(registry.models, []);
  assert.match(registry.problems[1]?.message ?? '', /x v4, which was never registered/);
});

test('a correction is a new entry; the history shows the corrected reason and the old line stays', async () => {
  const d = dir();
  await appendTransition(d, register(1, 'typo reasn'));
  await appendTransition(d, { action: 'correct', model: 'churn', version: 1, at: '2026-11-30T12:00:00.000Z', who, reason: 'typo reason', corrects: 1 });
  const registry = replay((await readLog(d)).entries);
  const item = registry.models[0]?.history[0];
  assert.equal(item?.entry.reason, 'typo reasn');
  assert.equal(item?.correctedReason, 'typo reason');
  assert.ok(readFileSync(logPath(d), 'utf8').includes('typo reasn'));
});
