import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import MarkdownIt from 'markdown-it';
import { datasetsOf, renderReportHtml, renderReportMarkdown, type ReportInput } from '../../../src/core/lifecycle/modelReport';
import { writeModelReport } from '../../../src/core/lifecycle/reportWriter';
import type { RunDetail } from '../../../src/core/model';

const EVIL = '<img src=x onerror=alert(1)> [link](javascript:alert(1)) `code` | pipe';

function input(): ReportInput {
  const run: RunDetail = {
    id: 'r1', experiment: EVIL, name: EVIL, status: 'finished', startedAt: Date.UTC(2026, 10, 1), lastEventAt: 2, notes: `For churn scoring only. ${EVIL}`, tags: [], skippedLines: 0,
    params: { [EVIL]: EVIL, lr: 0.01 }, metrics: { 'val/acc': { last: 0.93, min: 0.5, max: 0.95, count: 3, lastStep: 2 } }, summary: {},
    lineage: { user: 'ada', git: { commit: 'abc123', dirty: true, remote: 'https://user:s3cret@example.com/r.git' }, packages: { numpy: '2.1.0' }, python: '3.12.1' },
    artifacts: [], pushes: [], dir: '',
  };
  const entry = { action: 'register' as const, model: 'churn', version: 1, at: '2026-11-30T10:00:00.000Z', who: { user: 'ada', gitName: EVIL }, reason: EVIL, runId: 'r1', artifact: 'model', prev: '0'.repeat(64) };
  return {
    version: { model: 'churn', version: 1, runId: 'r1', artifact: 'model', stage: 'staging', latestReason: EVIL, pushes: [{ ...entry, action: 'push', reason: 'ship', registry: 'oci://r/x', reference: 'r/x:v1@sha256:00' }], alerts: [], history: [{ line: 1, entry }] },
    run,
    gates: [{ gate: { model: 'churn', name: EVIL, rule: 'val/acc >= 0.9', origin: 'file' }, status: 'pass', actual: [], message: 'passed' }],
    series: [{ runId: 'r1', key: EVIL, x: [0, 1, 2], y: [0.5, 0.9, 0.93], totalPoints: 3 }],
    generatedAt: new Date('2026-11-30T12:00:00Z'),
  };
}

test('the HTML report is self-contained: run text escaped, no script, no external reference, charts inline', () => {
  const html = renderReportHtml(input());
  assert.ok(!html.includes('<img'), 'no element from run text');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt;'));
  assert.ok(!/<script/i.test(html));
  assert.ok(!/(src|href)=["']?(https?:|\/\/|javascript:)/i.test(html), 'nothing loaded or linked from elsewhere');
  assert.match(html, /<svg [^>]*aria-label="&lt;img/);
  assert.match(html, /<polyline /);
  assert.match(renderReportHtml({ ...input(), series: [{ runId: 'r1', key: 'one', x: [3], y: [0.5], totalPoints: 1 }] }), /<circle cx="160\.0" cy="40\.0" r="3"/, 'one point shows as a dot');
  assert.match(html, /Content-Security-Policy" content="default-src 'none'/);
  // Only the report's own style sheet applies, named by its hash: no 'unsafe-inline'.
  const style = /<style>([^<]*)<\/style>/.exec(html)?.[1] ?? '';
  assert.ok(style.length > 0);
  assert.ok(html.includes(`style-src 'sha256-${createHash('sha256').update(style).digest('base64')}'`), 'the CSP names the style sheet\'s hash');
  assert.ok(!html.includes('unsafe-inline'));
  assert.ok(!html.includes('s3cret'), 'credentials in the git remote are dropped');
  assert.match(html, /abc123 \(with uncommitted changes\)/);
  assert.match(html, /numpy/);
});

test('the Markdown report escapes run text and links only to the HTML beside it', () => {
  const md = renderReportMarkdown(input(), 'churn-v1.html');
  // Rendered by a real CommonMark parser with raw HTML and bare-URL links on (stricter than most viewers).
  const html = new MarkdownIt({ html: true, linkify: true }).render(md);
  assert.ok(!html.includes('<img'), 'no element from run text');
  assert.deepEqual([...html.matchAll(/href="([^"]*)"/g)].map((m) => m[1]), ['churn-v1.html'], 'the only link is the relative one to the HTML');
  assert.ok(html.includes('&lt;img src=x onerror=alert(1)&gt; [link](javascript:alert(1)) `code` | pipe'), 'run text reads as typed, in one table cell (a pipe in it splits nothing)');
});

test('written as a pair; the datasets the run recorded are listed with their fingerprints', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'trialbook-report-'));
  const written = await writeModelReport(input(), join(dir, 'reports'));
  assert.ok(existsSync(written.html) && existsSync(written.markdown));
  assert.match(readFileSync(written.markdown, 'utf8'), /\[churn-v1\.html\]\(churn-v1\.html\)/);
  assert.deepEqual(datasetsOf(input().run), []);
  const run = input().run;
  assert.ok(run);
  const withData: RunDetail = {
    ...run,
    inputs: [
      { key: 'k1', name: 'train', source: '/data/train.csv', kind: 'file', status: 'complete', sha256: 'ab'.repeat(32), rows: 120, columns: ['a', 'b'], at: 1 },
      { key: 'k2', name: 'images', source: '/data/images', kind: 'folder', status: 'partial', sha256: 'cd'.repeat(32), at: 2 },
      { key: 'k3', name: 'holdout', source: 's3://bucket/holdout', kind: 'remote', status: 'remote', at: 3 },
    ],
  };
  assert.deepEqual(datasetsOf(withData), [
    { name: 'train', uri: '/data/train.csv', fingerprint: `sha256:${'ab'.repeat(32)} (120 rows, 2 columns)` },
    { name: 'images', uri: '/data/images', fingerprint: `sha256:${'cd'.repeat(32)} (partial)` },
    { name: 'holdout', uri: 's3://bucket/holdout', fingerprint: 'remote' },
  ]);
  assert.match(renderReportHtml({ ...input(), run: withData }), /\/data\/train\.csv · sha256:abab/);
  assert.match(renderReportMarkdown({ ...input(), run: withData }, 'churn-v1.html'), /holdout/);
});

test('the report lists what monitoring says now about the version: its alerts, none when it is ok or not monitored', async () => {
  const { openFindings } = await import('../../../src/core/monitoring/monitorStatus');
  type Run = Parameters<typeof openFindings>[0][number];
  type Batch = Run['batches'][number];
  const batch = (status: Batch['status'], alerts: Batch['alerts'], at: number): Batch => ({
    index: at, line: at + 1, timestamp: at, rows: 500, reliable: true, status, outOfOrder: false, metrics: [], alerts, features: [],
    missingColumns: [], extraColumns: [], notes: [],
  });
  const run = (version: string, startedAt: number, batches: Batch[]): Run => ({
    runId: `mon-${version}-${startedAt}`, model: 'churn', version, startedAt, ended: false, baseline: [], thresholds: {}, batches, warnings: [], problems: [],
  });
  const drift = { level: 'alert' as const, kind: 'drift', subject: 'tenure', statistic: 'psi', value: 0.91, threshold: 0.2 };
  const runs = [
    run('1', 10, [batch('ok', [], 1), batch('alert', [drift], 2)]),
    // Version 2: an older run alerted, the newest one is fine.
    run('2', 10, [batch('alert', [drift], 1)]),
    run('2', 20, [batch('ok', [], 3)]),
  ];
  const v1 = openFindings(runs, 'churn', '1');
  assert.equal(v1.length, 1);
  assert.match(v1[0] ?? '', /^alert: tenure: PSI 0\.91/);
  assert.deepEqual(openFindings(runs, 'churn', '2'), []);
  assert.deepEqual(openFindings(runs, 'churn', '3'), [], 'not monitored');
  const html = renderReportHtml({ ...input(), alerts: v1 });
  assert.match(html, /Open monitoring alerts/);
  assert.match(html, /alert: tenure: PSI 0\.91/);
});
