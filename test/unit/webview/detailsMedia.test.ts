// The run details page's Media section (the real bundle in jsdom): each key's latest value, images by resource URI
// (never bytes), cards that survive the page's re-renders, run-supplied text as text, and Show media.
import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import type { RunDetailsData } from '../../../src/shared/webviews/details/contract';
import { detailsContract } from '../../../src/shared/webviews/details/contract';
import type { LatestMedia } from '../../../src/shared/webviews/media/contract';
import { loadWebview, messagesOfType } from './webviewHarness';

const evil = '<img src=x onerror="window.__pwned = true">';
const sha = (c: string): string => c.repeat(64);
const BASE = 'https://file+.vscode-resource.vscode-cdn.net/w/.trialbook/runs/r1/media';

function details(): RunDetailsData {
  return {
    id: 'r1', name: 'brave-otter', experiment: 'demo', status: 'finished', color: '#1f77b4', notes: '', tags: [],
    lineage: [], params: [], metrics: [], artifacts: [], hasDiff: false, hasCommit: false, warnings: [], packages: [],
  };
}

function media(over: Partial<LatestMedia> = {}): LatestMedia {
  return {
    base: BASE,
    images: [{ key: evil, step: 7, items: [{ file: `${sha('a')}.png`, width: 32, height: 16, caption: evil }, { file: '../../secret.png', width: 1, height: 1 }] }],
    histograms: [{ key: 'weights', step: 9, items: [{ min: -1, max: 1, counts: [1, 4, 2], nonfinite: 3 }] }],
    tables: [{
      key: 'preds', step: 9, items: [{ file: `${sha('b')}.json`, rows: 200, columns: ['input', 'score'] }],
      head: { columns: ['input', 'score'], rows: [[evil, '0.5'], ['cat', '0.25']] },
    }],
    matrices: [{ key: 'cm', step: 9, items: [{ labels: ['cat', evil], matrix: [[3, 1], [0, 4]] }] }],
    curves: [{ key: 'roc', step: 9, items: [{ kind: 'roc', x: [0, 0.5, 1], y: [0, 0.8, 1], auc: 0.85, xLabel: 'fpr', yLabel: 'tpr' }] }],
    texts: [{ key: 'notes', step: 3, items: [{ markdown: `# Title\n\n<script>window.__pwned = true</script> and [a link](https://example.com/x)` }] }],
    skipped: [],
    ...over,
  };
}

test('details media: the contract accepts the latest-media message the page is given here', () => {
  assert.equal(detailsContract.toWebview.problem({ type: 'media', media: media() }, ''), undefined);
  assert.notEqual(detailsContract.toWebview.problem({ type: 'media', media: { ...media(), base: 3 } }, ''), undefined);
});

test('details media: each key\'s latest value; images load from the run folder; run-supplied text stays text', () => {
  const h = loadWebview('details');
  try {
    h.send({ type: 'details', data: details() });
    const section = h.document.querySelector<HTMLElement>('.media-section');
    assert.ok(section?.hidden, 'no Media section before the run has media');
    h.send({ type: 'media', media: media() });
    assert.equal(section?.hidden, false);
    const cards = [...h.document.querySelectorAll<HTMLElement>('.media-card')].map((c) => [c.dataset.kind, c.dataset.key, c.querySelector('.media-step')?.textContent]);
    assert.deepEqual(cards, [['image', evil, 'step 7'], ['histogram', 'weights', 'step 9'], ['curve', 'roc', 'step 9'],
      ['confusion_matrix', 'cm', 'step 9'], ['table', 'preds', 'step 9'], ['text', 'notes', 'step 3']]);
    const images = [...h.document.querySelectorAll('.media-card[data-kind=image] img')];
    assert.deepEqual(images.map((i) => i.getAttribute('src')), [`${BASE}/${sha('a')}.png`], 'a file outside the media folder is not shown');
    assert.equal(h.document.querySelector('.media-card[data-kind=image] figcaption')?.textContent, evil);
    assert.equal(h.document.querySelector('.media-card[data-kind=image] h3')?.textContent, evil);
    assert.equal(h.document.querySelector('.media-card[data-kind=histogram] .media-axis')?.textContent, '-1 … 1 · 7 values · 3 not finite');
    assert.equal(h.document.querySelector('.media-card[data-kind=curve] .media-legend-text')?.textContent, 'roc AUC 0.850');
    assert.deepEqual([...h.document.querySelectorAll('.media-card[data-kind=table] tbody tr')].map((r) => [...r.children].map((c) => c.textContent)), [[evil, '0.5'], ['cat', '0.25']]);
    assert.equal(h.document.querySelector('.media-card[data-kind=table] .media-table-info')?.textContent, 'first 2 of 200 rows');
    assert.equal(h.document.querySelector('.media-card[data-kind=confusion_matrix] tbody tr .count')?.textContent, '3');
    const markdown = h.document.querySelector('.media-card[data-kind=text] .media-markdown');
    assert.equal(markdown?.querySelector('h1')?.textContent, 'Title');
    assert.match(markdown?.textContent ?? '', /<script>window\.__pwned = true<\/script>/);
    // Run-supplied markup created no element: the only <img> is the logged image's.
    assert.equal(h.document.querySelectorAll('.media-section script, .media-section [onerror]').length, 0);
    assert.equal(h.document.querySelectorAll('.media-section img').length, 1);
    (markdown?.querySelector('a') as HTMLElement | null)?.click();
    assert.deepEqual(messagesOfType(h, 'openLink'), [{ type: 'openLink', url: 'https://example.com/x' }]);
    assert.equal((h.window as unknown as { __pwned?: boolean }).__pwned, undefined);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('details media: without its Markdown renderer (its bundle not loaded) the text shows as its source, saying so', async () => {
  const h = loadWebview('details', undefined, { withoutMarkdown: true });
  try {
    h.send({ type: 'details', data: details() });
    h.send({ type: 'media', media: media() });
    const markdown = h.document.querySelector<HTMLElement>('.media-card[data-kind=text] .media-markdown');
    assert.ok(markdown?.classList.contains('source'), 'shown as its source until the renderer comes');
    assert.equal(markdown?.querySelector('h1'), null);
    await new Promise((resolve) => setTimeout(resolve, 0));
    assert.match(markdown?.querySelector('.media-note')?.textContent ?? '', /^Shown as text: this page cannot tell where its Markdown renderer is\. Close the panel/);
    assert.match(markdown?.textContent ?? '', /# Title\n\n<script>window\.__pwned = true<\/script>/);
    assert.equal(h.document.querySelectorAll('.media-section script').length, 0);
    assert.equal((h.window as unknown as { __pwned?: boolean }).__pwned, undefined);
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('details media: the page\'s re-renders keep the section and its loaded images; a new step replaces only its card', () => {
  const h = loadWebview('details');
  try {
    h.send({ type: 'details', data: details() });
    h.send({ type: 'media', media: media() });
    const image = h.document.querySelector('.media-card[data-kind=image] img');
    const histogram = h.document.querySelector('.media-card[data-kind=histogram]');
    // A live run: the host re-sends the page (metrics) several times, and then new media.
    h.send({ type: 'details', data: { ...details(), status: 'running' } });
    assert.equal(h.document.querySelector('.media-card[data-kind=image] img'), image, 'the same <img>: not reloaded');
    const next = media({ histograms: [{ key: 'weights', step: 10, items: [{ min: -1, max: 1, counts: [2, 2, 2] }] }] });
    h.send({ type: 'media', media: next });
    assert.equal(h.document.querySelector('.media-card[data-kind=image] img'), image, 'an unchanged key keeps its card');
    assert.notEqual(h.document.querySelector('.media-card[data-kind=histogram]'), histogram, 'a key with a new step gets a new card');
    assert.equal(h.document.querySelector('.media-card[data-kind=histogram] .media-step')?.textContent, 'step 10');
    // The section sits after the metrics and before the artifacts, once.
    const headings = [...h.document.querySelectorAll('h2')].map((e) => e.textContent);
    assert.equal(headings.filter((t) => t === 'Media').length, 1);
    assert.ok(headings.indexOf('Media') < headings.findIndex((t) => t?.startsWith('Artifacts')), headings.join(', '));
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});

test('details media: Show media scrolls to the section, and says so when the run logged none', () => {
  const h = loadWebview('details');
  try {
    h.send({ type: 'details', data: details() });
    h.send({ type: 'media', media: media({ images: [], histograms: [], tables: [], matrices: [], curves: [], texts: [] }) });
    const section = h.document.querySelector<HTMLElement>('.media-section');
    assert.ok(section?.hidden);
    // jsdom has no layout (and no scrollIntoView): record what the page scrolls to.
    const scrolled: Element[] = [];
    h.window.HTMLElement.prototype.scrollIntoView = function scrollIntoView(this: Element) { scrolled.push(this); };
    h.send({ type: 'revealMedia' });
    assert.deepEqual(scrolled, [section]);
    assert.equal(section?.hidden, false);
    assert.equal(section?.querySelector('[role=status]')?.textContent, 'This run has logged no media yet.');
    assert.ok(h.document.body.dataset.mediaRevealed, 'the page marks that it showed the section');
    h.send({ type: 'media', media: media({ skipped: [{ type: 'video', count: 2 }] }) });
    assert.equal(section?.querySelector('[role=status]')?.textContent, 'Not shown (logged by a newer SDK; update the extension to see them): 2 video.');
    assert.deepEqual(h.errors, []);
  } finally {
    h.close();
  }
});
