import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { markdownLiteral, runTooltipLines, runTooltipMarkdown } from '../../../src/vscode/runTooltip';
import type { RunRow } from '../../../src/core/model';

import MarkdownIt from 'markdown-it';

// A real CommonMark parser (markdown-it), with raw HTML and bare-URL links on: stricter than VS Code's hover
// renderer, which drops HTML when `supportHtml` is off.
const markdown = new MarkdownIt({ html: true, linkify: true });

function row(overrides: Partial<RunRow> = {}): RunRow {
  return {
    id: '20261130T052107000-0a1b2c3d4e', experiment: 'demo', name: 'brave-otter', status: 'finished', startedAt: 0, lastEventAt: 0,
    notes: '', tags: [], params: {}, metrics: {}, skippedLines: 0, ...overrides,
  };
}

function unescapeHtml(html: string): string {
  return html.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&#39;/g, "'").replace(/&amp;/g, '&');
}

const LINK = '[click](https://evil.example/x)';
const IMAGE = '![pixel](https://evil.example/p.png)';
const HTML = '<img src=x onerror=alert(1)> <a href="https://evil.example">a</a>';
const AFTER = `\n${LINK} ${IMAGE} ${HTML} https://evil.example www.evil.example a@evil.example\n# heading\n`;

/** Every closing fence CommonMark (and VS Code's renderer) accepts: backticks or tildes, 0–3 spaces, longer, CR endings. */
const fences = [
  '\n```', '\n ```', '\n  ```', '\n   ```', '\n````', '\n``````````', '\n```   ', '\n~~~', '\n  ~~~~', '\n```text',
  '\r```', '\r\n  ```', '\r   ````\r', '``````` inline run', '\n\t```',
];

test('a note, param, metric, tag or path holding any closing fence cannot end the code block', () => {
  for (const fence of fences) {
    const hostile = `before${fence}${AFTER}`;
    const run = row({
      notes: hostile,
      params: { [`p${fence}`]: hostile, lr: 0.01 },
      metrics: { [`m${fence}`]: { last: 1, min: 0, max: 2, count: 3, lastStep: 2 } },
      tags: [hostile],
      summary: { [`s${fence}`]: hostile, best_accuracy: 0.93 },
      script: `/tmp/x${fence}${AFTER}.py`,
    });
    const html = markdown.render(runTooltipMarkdown(run));
    const label = JSON.stringify(fence);
    assert.doesNotMatch(html, /<a[\s>]/, `a link rendered with fence ${label}`);
    assert.doesNotMatch(html, /<img[\s>]/, `an image rendered with fence ${label}`);
    assert.doesNotMatch(html, /<h1/, `a heading rendered with fence ${label}`);
    assert.equal(html.match(/<pre>/g)?.length, 1, `one code block with fence ${label}: ${html}`);
    // The block holds the text verbatim (the parser normalises CR line endings to LF).
    const code = /<pre><code class="language-text">([\s\S]*)<\/code><\/pre>/.exec(html)?.[1] ?? '';
    assert.equal(unescapeHtml(code), `${runTooltipLines(run).join('\n').replace(/\r\n?/g, '\n')}\n`, `verbatim with fence ${label}`);
  }
});

test('the heading shows the run name as typed, with no Markdown in effect', () => {
  const name = `${LINK} ${IMAGE} ${HTML} **bold** _it_ \`code\` https://evil.example www.evil.example a@evil.example &amp; $(zap) \\[x\\]\n# h`;
  const html = markdown.render(runTooltipMarkdown(row({ name, experiment: '[exp](command:x)' })));
  assert.doesNotMatch(html, /<a[\s>]|<img[\s>]|<em>|<code>|<h1/, html);
  assert.equal(html.match(/<strong>/g)?.length, 1, `only the heading is bold: ${html}`);
  const heading = /<p><strong>([\s\S]*?)<\/strong> — ([\s\S]*?)<\/p>/.exec(html);
  assert.ok(heading, html);
  assert.equal(unescapeHtml(heading[1] ?? ''), name.replace(/\n/g, ' '));
  assert.equal(unescapeHtml(heading[2] ?? ''), 'finished · [exp](command:x) · 20261130T052107000-0a1b2c3d4e');
});

test('markdownLiteral escapes every ASCII punctuation character and nothing else', () => {
  assert.equal(markdownLiteral('a-b_c [d](e) ünï 1.5'), 'a\\-b\\_c \\[d\\]\\(e\\) ünï 1\\.5');
  assert.equal(markdownLiteral('line\r\nnext\rlast\nend'), 'line next last end');
});

test('the tooltip lists notes, params, metrics (not system ones) and where the run came from', () => {
  const summary = { last: 0.123456, min: 0.1, max: 2, count: 42, lastStep: 41 };
  const metrics = JSON.parse('{"__proto__": {"last": 7, "min": 7, "max": 7, "count": 1, "lastStep": 0}}') as RunRow['metrics'];
  metrics.loss = summary;
  metrics['system/cpu'] = summary;
  const lines = runTooltipLines(row({ notes: 'why', params: { lr: 0.000123456, layers: [64, 32] }, metrics, tags: ['a', 'b'], script: '/w/train.py', gitCommit: '0123456789abcdef' }));
  assert.deepEqual(lines, [
    'Notes: why', 'Params:', '  lr = 1.235e-4', '  layers = [64,32]', 'Metrics (last / min / max):',
    '  __proto__: 7 / 7 / 7  (1 points)', '  loss: 0.1235 / 0.1 / 2  (42 points, lower is better)',
    'Git commit: 0123456789ab', 'Tags: a, b', 'Script: /w/train.py',
  ]);
});

test('summary values are listed, after the metrics, with the shared formats; a metric declared summary=min shows its min first', () => {
  const summary = JSON.parse('{"best_accuracy": 0.934567, "note": "ok", "__proto__": [1, 2], "nan": null}') as Record<string, unknown>;
  const lines = runTooltipLines(row({
    metrics: { 'val/loss': { last: 0.5, min: 0.1, max: 0.9, count: 3, lastStep: 2, summaryMode: 'min', goal: 'minimize' } },
    summary: summary as RunRow['summary'],
  }));
  const at = lines.indexOf('Summary:');
  assert.ok(at > lines.findIndex((l) => l.startsWith('Metrics')), lines.join('\n'));
  assert.deepEqual(lines.slice(at, at + 5), ['Summary:', '  best_accuracy = 0.9346', '  note = ok', '  __proto__ = [1,2]', '  nan = null']);
  assert.ok(lines.includes('  val/loss: 0.5 / 0.1 / 0.9  (3 points, summary: min, lower is better)'), lines.join('\n'));
  assert.ok(!runTooltipLines(row()).includes('Summary:'));
});

test('an imported run its tool still calls running but silent past the crash window says since when (stale)', () => {
  const lastEventAt = new Date(2026, 10, 30, 5, 21, 7).getTime();
  const stale = unescapeHtml(markdown.render(runTooltipMarkdown(row({ status: 'running', stale: true, lastEventAt }))));
  assert.match(stale, /— running, no update since 2026-11-30 05:21:07 · demo/);
  const live = unescapeHtml(markdown.render(runTooltipMarkdown(row({ status: 'running', lastEventAt }))));
  assert.match(live, /— running · demo/);
  assert.doesNotMatch(live, /no update/);
});
