// The run details page (the real bundle in jsdom): what it shows, the messages it sends, and notes that survive
// the re-renders a live run causes.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { RunDetailsData } from '../../../src/shared/webviews/details/contract';
import { buildRunDetails } from '../../../src/vscode/webviews/details/runDetailsData';
import { loadWebview, messagesOfType, structure, type Harness } from './webviewHarness';

const evil = '<img src=x onerror="window.__pwned = true">';

function details(over: Partial<RunDetailsData> = {}): RunDetailsData {
  return {
    id: 'r1', name: 'brave-otter', experiment: 'demo', status: 'running', color: '#1f77b4', notes: 'first idea', tags: ['baseline'],
    lineage: [{ label: 'Run id', value: 'r1' }, { label: 'Who', value: 'ada @ gpu-box' }],
    params: [['lr', 0.000123456], ['optimizer', 'adam'], ['dropout', null], ['weird', { nonFinite: 'Infinity' }]],
    metrics: [{ key: 'loss', last: { nonFinite: 'NaN' }, min: 0.123456, max: 1, count: 12345 }],
    artifacts: [{ name: 'model', type: 'model', path: '/tmp/model.pt', size: 1536, sha256: 'ab'.repeat(32), files: 2, pushes: [] }],
    hasDiff: false, hasCommit: true, warnings: [], packages: [['torch', '2.3.0']],
    ...over,
  };
}

interface Textarea extends HTMLElement { value: string }

const notes = (h: Harness): Textarea => h.document.querySelector('vscode-textarea') as Textarea;
const saveButton = (h: Harness): HTMLElement & { disabled: boolean } =>
  [...h.document.querySelectorAll('vscode-button')].find((b) => b.textContent === 'Save notes') as HTMLElement & { disabled: boolean };
const rows = (h: Harness): string[][] => [...h.document.querySelectorAll('table.grid tbody tr')].map((r) => [...r.children].map((c) => c.textContent ?? ''));

function type(h: Harness, text: string): void {
  const area = notes(h);
  area.value = text;
  area.dispatchEvent(new h.window.Event('input', { bubbles: true }));
}

test('details: the first message is ready; the page shows the run with the shared formatter and saves its run id', () => {
  const h = loadWebview('details');
  try {
    assert.deepEqual(h.posted, [{ type: 'ready' }]);
    h.send({ type: 'details', data: details() });
    assert.equal(h.document.querySelector('h1')?.textContent, 'brave-otter');
    const table = rows(h);
    assert.ok(table.some((r) => r[0] === 'lr' && r[1] === '1.235e-4'), JSON.stringify(table));
    assert.ok(table.some((r) => r[0] === 'dropout' && r[1] === 'null'));
    assert.ok(table.some((r) => r[0] === 'weird' && r[1] === '∞'));
    assert.ok(table.some((r) => r.join('|') === 'loss|NaN|0.1235|1|12,345'), 'NaN stays NaN; counts have separators');
    assert.ok(table.some((r) => r[0] === 'model' && r[2] === '1.5 KiB · 2 files'), 'bytes in binary units');
    assert.deepEqual(h.state(), { runId: 'r1' });
    assert.equal(notes(h).value, 'first idea');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('details: a note being typed survives a live re-render (same editor, same text); Save sends it; the saved note then replaces nothing', () => {
  const h = loadWebview('details');
  try {
    h.send({ type: 'details', data: details() });
    const editor = notes(h);
    type(h, 'first idea, and a second thought');
    assert.equal(saveButton(h).disabled, false, 'an edit can be saved');
    // The run logs a step: the host re-sends the page.
    h.send({ type: 'details', data: details({ metrics: [{ key: 'loss', last: 0.5, min: 0.5, max: 1, count: 12346 }] }) });
    assert.equal(notes(h), editor, 'the notes editor is the same element (focus and caret stay)');
    assert.equal(notes(h).value, 'first idea, and a second thought', 'the unsaved text stays');
    assert.equal(saveButton(h).disabled, false, 'and can still be saved');
    assert.ok(rows(h).some((r) => r.join('|') === 'loss|0.5|0.5|1|12,346'), 'the rest of the page follows the run');

    saveButton(h).click();
    assert.deepEqual(messagesOfType(h, 'saveNotes'), [{ type: 'saveNotes', notes: 'first idea, and a second thought' }]);
    // The host saved it and re-renders from the index.
    h.send({ type: 'details', data: details({ notes: 'first idea, and a second thought' }) });
    assert.equal(saveButton(h).disabled, true, 'nothing left to save');
    // Someone else changes the notes (the tree's Add Note…): with nothing unsaved here, the page shows theirs.
    h.send({ type: 'details', data: details({ notes: 'changed elsewhere' }) });
    assert.equal(notes(h).value, 'changed elsewhere');
    assert.equal(notes(h), editor);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('details: the action buttons send their action', () => {
  const h = loadWebview('details');
  try {
    h.send({ type: 'details', data: details() });
    for (const label of ['Compare', 'Reveal Source', 'Open at Commit', 'Copy Run ID']) {
      ([...h.document.querySelectorAll('vscode-button')].find((b) => b.textContent === label) as HTMLElement).click();
    }
    assert.deepEqual(messagesOfType<{ type: 'action'; action: string }>(h, 'action').map((m) => m.action), ['compare', 'revealSource', 'openAtCommit', 'copyId']);
  } finally {
    h.close();
  }
});

test('details: a run that is gone says so; run-supplied markup creates no element or attribute', () => {
  const plainText = (text: string): string => 'x'.repeat(text.length);
  const withText = (text: string): RunDetailsData => details({
    name: text, notes: text, tags: [text], params: [[text, text]], warnings: [text], error: text,
    lineage: [{ label: 'Script', value: text }], artifacts: [{ name: text, type: 'model', path: text, size: 1, sha256: 'a'.repeat(64), pushes: [text] }],
  });
  const plain = loadWebview('details');
  const h = loadWebview('details');
  try {
    plain.send({ type: 'details', data: withText(plainText(evil)) });
    h.send({ type: 'details', data: withText(evil) });
    assert.deepEqual(structure(h.document), structure(plain.document), 'the page built the same elements and attributes');
    assert.equal(h.document.querySelectorAll('img, [onerror]').length, 0);
    assert.equal(h.document.querySelector('h1')?.textContent, evil);
    h.send({ type: 'gone', message: 'Run r1 is no longer in this workspace (its folder was deleted).' });
    assert.equal(h.document.getElementById('app')?.textContent, 'Run r1 is no longer in this workspace (its folder was deleted).');
  } finally {
    h.close();
    plain.close();
  }
});

test('details: summary values have their own section, formatted like params, markup as text', () => {
  const h = loadWebview('details');
  try {
    h.send({ type: 'details', data: details({ summary: [['best_accuracy', 0.934567], ['checkpoint', evil], ['diverged', { nonFinite: 'NaN' }]] }) });
    const heading = [...h.document.querySelectorAll('h2')].find((e) => e.textContent === 'Summary (3)');
    assert.ok(heading, 'a Summary section');
    const section = heading.parentElement;
    assert.ok(section);
    const cells = [...section.querySelectorAll('tbody tr')].map((r) => [...r.children].map((c) => c.textContent ?? ''));
    assert.deepEqual(cells, [['best_accuracy', '0.9346'], ['checkpoint', evil], ['diverged', 'NaN']]);
    assert.equal(h.document.querySelectorAll('img').length, 0);
    h.send({ type: 'details', data: details() });
    assert.ok(![...h.document.querySelectorAll('h2')].some((e) => e.textContent?.startsWith('Summary')), 'no section without summary values');
  } finally {
    h.close();
  }
});

test('details: notes saved here and changed elsewhere before the host re-sends the page: the page shows the newer ones', () => {
  const h = loadWebview('details');
  try {
    h.send({ type: 'details', data: details() });
    type(h, 'typed here');
    saveButton(h).click();
    // The save and an outside change landed in one sync: the first page the host sends already holds the outside
    // notes (the saved text never came back on its own). Nothing was typed since Save, so nothing unsaved is lost.
    h.send({ type: 'details', data: details({ notes: 'changed elsewhere' }) });
    assert.equal(notes(h).value, 'changed elsewhere');
    assert.equal(saveButton(h).disabled, true);
    // Typing after Save is unsaved again and survives a re-render.
    type(h, 'changed elsewhere, and more');
    h.send({ type: 'details', data: details({ notes: 'changed elsewhere' }) });
    assert.equal(notes(h).value, 'changed elsewhere, and more');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('details: the inputs a run used are listed with fingerprint, size and shape; their names stay text', () => {
  const h = loadWebview('details');
  try {
    const data = buildRunDetails({
      id: 'r1', experiment: 'demo', name: 'brave-otter', status: 'finished', startedAt: 1, lastEventAt: 2, notes: '', tags: [], params: {},
      metrics: {}, skippedLines: 0, lineage: {}, summary: {}, artifacts: [], pushes: [], dir: '/w/.trialbook/runs/r1',
      inputs: [
        { key: 'k1', name: evil, source: '/data/train.csv', kind: 'file', status: 'complete', sha256: 'ab'.repeat(32), size: 2048, rows: 1000, columns: ['a', 'b', 'c'], format: 'csv', context: 'training', at: 1 },
        { key: 'k2', name: 'images', source: '/data/images', kind: 'folder', status: 'partial', files: 50000, filesHashed: 1200, filesCached: 300, at: 1 },
      ],
    }, 10);
    h.send({ type: 'details', data });
    const table = rows(h);
    assert.ok(table.some((r) => r.join('|') === `${evil}|complete|${'ab'.repeat(8)}…|2.0 KiB|1,000 rows × 3 columns (csv)|training|/data/train.csv`), JSON.stringify(table));
    assert.ok(table.some((r) => r[0] === 'images' && r[2] === 'unknown (still hashing: 1,500 of 50,000 files)'), JSON.stringify(table));
    assert.equal(h.document.querySelector('img'), null, 'a dataset name is text, not markup');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});
