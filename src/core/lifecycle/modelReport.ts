// The model report of one registered version: a self-contained HTML file (inline styles, charts as inline SVG, no
// script, no network) and a Markdown version beside it. Every run-supplied or person-typed text is escaped. Links
// are relative (the Markdown links to the HTML beside it), so the pair can be committed or attached anywhere.
import { createHash } from 'node:crypto';
import type { RunDetail, SeriesLine } from '../model';
import { redactUrl } from '../registry/lineage';
import { formatDate, formatNumber, formatValue } from '../../shared/format';
import type { GateResult } from './gateEval';
import { describeWho } from './identity';
import type { ModelVersionState } from './modelState';
import { describeTransition } from './transitionText';

/** A dataset a run used, as the lineage work records it; listed when the run carries any (see datasetsOf). */
export interface ReportDataset {
  name: string;
  uri: string;
  fingerprint?: string;
}

export interface ReportInput {
  version: ModelVersionState;
  run: RunDetail | undefined;
  gates: GateResult[];
  /** Each metric's points (downsampled), for the charts. */
  series: SeriesLine[];
  generatedAt: Date;
  /** Open monitoring alerts for this version, when the monitoring feature gives them. */
  alerts?: string[];
}

/**
 * The datasets the run recorded (`run.use_dataset` / `log_input`: the run's inputs in the index), each with its
 * fingerprint, or what kept it from having one (partial, missing, unreadable, remote).
 */
export function datasetsOf(run: RunDetail | undefined): ReportDataset[] {
  return (run?.inputs ?? []).map((d) => {
    const shape = d.rows !== undefined || d.columns ? ` (${[d.rows !== undefined ? `${d.rows} rows` : '', d.columns ? `${d.columns.length} columns` : ''].filter(Boolean).join(', ')})` : '';
    const fingerprint = d.sha256 ? `sha256:${d.sha256}${d.status === 'complete' ? '' : ` (${d.status})`}${shape}` : `${d.status}${shape}`;
    return { name: d.name, uri: d.source, fingerprint };
  });
}

export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (c) => (c === '&' ? '&amp;' : c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '"' ? '&quot;' : '&#39;'));
}

/**
 * Markdown text that renders as itself wherever it sits inside a line (table cells, after a heading's `#`): emphasis,
 * code, links and images (`[`), table pipes, HTML, and `:` (so no URL autolinks) are escaped.
 */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_[\]|<>&~:]/g, (c) => (c === '<' ? '&lt;' : c === '>' ? '&gt;' : c === '&' ? '&amp;' : `\\${c}`)).replace(/\r?\n/g, ' ');
}

/** The report's file name stem: model and version, only characters safe in a path. */
export function reportStem(version: ModelVersionState): string {
  return `${version.model.replace(/[^A-Za-z0-9_.-]/g, '_')}-v${version.version}`;
}

interface Section { title: string; rows: Array<[string, string]> }

function lineageRows(run: RunDetail | undefined): Array<[string, string]> {
  if (!run) return [['run', 'not in the index (deleted?)']];
  const g = run.lineage.git;
  const rows: Array<[string, string]> = [
    ['run', `${run.name} (${run.id})`], ['experiment', run.experiment], ['status', run.status],
    ['started', formatDate(run.startedAt)], ['ran by', run.lineage.user ?? run.user ?? 'unknown'], ['host', run.lineage.host ?? run.host ?? 'unknown'],
  ];
  if (g?.commit) rows.push(['code commit', `${g.commit}${g.dirty ? ' (with uncommitted changes)' : ''}`]);
  if (g?.branch) rows.push(['branch', g.branch]);
  if (g?.remote) rows.push(['repository', redactUrl(g.remote)]);
  if (g?.diff) rows.push(['captured diff', `${g.diff.split('\n').length} lines${g.diffTruncated ? ' (truncated)' : ''}`]);
  const script = run.lineage.script ?? run.script ?? run.notebook;
  if (script) rows.push(['entry point', script]);
  if (run.lineage.python) rows.push(['python', run.lineage.python]);
  if (run.lineage.platform) rows.push(['platform', run.lineage.platform]);
  return rows;
}

function sections(input: ReportInput): Section[] {
  const { version: v, run } = input;
  const packages = Object.entries(run?.lineage.packages ?? {}).sort(([a], [b]) => (a < b ? -1 : 1));
  return [
    { title: 'Model', rows: [['model', v.model], ['version', `v${v.version}`], ['stage', v.stage], ['artifact', v.artifact], ['sha256', v.sha256 ?? 'unknown'], ...(v.replaces !== undefined ? [['replaces', `v${v.replaces}`] as [string, string]] : []), ['intended use and notes', run?.notes.trim() || '(none written)']] },
    { title: 'Lineage', rows: lineageRows(run) },
    { title: 'Data', rows: datasetsOf(run).map((d): [string, string] => [d.name, `${d.uri}${d.fingerprint ? ` · ${d.fingerprint}` : ''}`]) },
    { title: 'Params', rows: Object.entries(run?.params ?? {}).map(([k, val]): [string, string] => [k, formatValue(val)]) },
    { title: 'Environment and packages', rows: packages },
  ];
}

function metricRows(run: RunDetail | undefined): Array<[string, string, string, string, string]> {
  return Object.entries(run?.metrics ?? {}).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, m]) => [k, formatNumber(m.last), formatNumber(m.min), formatNumber(m.max), String(m.count)]);
}

/** A metric's line as a small inline SVG (static: no script). */
export function sparkline(line: SeriesLine, width = 320, height = 80): string {
  const pts = line.x.map((x, i) => [x, line.y[i] ?? NaN] as const).filter(([, y]) => Number.isFinite(y));
  if (pts.length === 0) return '';
  const xs = pts.map(([x]) => x);
  const ys = pts.map(([, y]) => y);
  const [x0, x1, y0, y1] = [Math.min(...xs), Math.max(...xs), Math.min(...ys), Math.max(...ys)];
  const sx = (x: number): number => (x1 === x0 ? width / 2 : ((x - x0) / (x1 - x0)) * (width - 8) + 4);
  const sy = (y: number): number => (y1 === y0 ? height / 2 : height - 4 - ((y - y0) / (y1 - y0)) * (height - 8));
  const d = pts.map(([x, y]) => `${sx(x).toFixed(1)},${sy(y).toFixed(1)}`).join(' ');
  // A single point is a dot (a one-point line draws nothing).
  const dot = pts.length === 1 ? `<circle cx="${sx(xs[0] ?? 0).toFixed(1)}" cy="${sy(ys[0] ?? 0).toFixed(1)}" r="3" fill="#0969da"/>` : '';
  return `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" role="img" aria-label="${escapeHtml(line.key)}"><rect width="100%" height="100%" fill="#f6f8fa"/><polyline fill="none" stroke="#0969da" stroke-width="1.5" points="${d}"/>${dot}</svg>`;
}

const STYLE = 'body{font:14px/1.45 system-ui,sans-serif;margin:2em auto;max-width:60em;color:#1f2328;padding:0 1em}h1{font-size:1.6em}h2{font-size:1.2em;border-bottom:1px solid #d0d7de;padding-bottom:.2em;margin-top:1.6em}table{border-collapse:collapse;width:100%}td,th{border:1px solid #d0d7de;padding:.3em .5em;text-align:left;vertical-align:top;word-break:break-word}th{background:#f6f8fa}.pass{color:#1a7f37}.fail{color:#cf222e}.charts{display:flex;flex-wrap:wrap;gap:1em}.chart{font-size:.9em}';
/** The one style sheet the report may apply, by its hash (a CSP without 'unsafe-inline': no other style runs). */
const STYLE_HASH = `sha256-${createHash('sha256').update(STYLE).digest('base64')}`;

export function renderReportHtml(input: ReportInput): string {
  const { version: v } = input;
  const h = escapeHtml;
  const table = (head: string[], rows: string[][]): string => rows.length === 0 ? '<p>(none)</p>'
    : `<table><thead><tr>${head.map((c) => `<th>${h(c)}</th>`).join('')}</tr></thead><tbody>${rows.map((r) => `<tr>${r.map((c) => `<td>${h(c)}</td>`).join('')}</tr>`).join('')}</tbody></table>`;
  const out: string[] = [];
  out.push(`<!doctype html><html lang="en"><head><meta charset="utf-8"><meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src '${STYLE_HASH}'; img-src data:"><title>${h(`${v.model} v${v.version} model report`)}</title><style>${STYLE}</style></head><body>`);
  out.push(`<h1>${h(`${v.model} v${v.version}`)} <small>(${h(v.stage)})</small></h1><p>Report generated ${h(input.generatedAt.toISOString())}. Latest reason: ${h(v.latestReason)}</p>`);
  for (const s of sections(input)) out.push(`<h2>${h(s.title)}</h2>${table(['field', 'value'], s.rows)}`);
  out.push(`<h2>Metrics</h2>${table(['metric', 'last', 'min', 'max', 'points'], metricRows(input.run))}`);
  const charts = input.series.map((line) => ({ line, svg: sparkline(line) })).filter((c) => c.svg);
  if (charts.length) out.push(`<div class="charts">${charts.map((c) => `<figure class="chart">${c.svg}<figcaption>${h(c.line.key)}</figcaption></figure>`).join('')}</div>`);
  out.push(`<h2>Gates</h2>${input.gates.length === 0 ? '<p>(no gates defined)</p>' : `<table><thead><tr><th>gate</th><th>rule</th><th>result</th></tr></thead><tbody>${input.gates.map((g) => `<tr><td>${h(g.gate.name)}</td><td><code>${h(g.gate.rule)}</code></td><td class="${g.status === 'pass' ? 'pass' : 'fail'}">${h(g.message)}</td></tr>`).join('')}</tbody></table>`}`);
  out.push(`<h2>History</h2>${table(['when', 'who', 'what', 'why'], v.history.map((i) => [i.entry.at, describeWho(i.entry.who), `v${i.entry.version} ${describeTransition(i.entry)}`, `${i.correctedReason ?? i.entry.reason}${i.entry.override ? ` (failing gates ${i.entry.override.gates.join(', ')} overridden: ${i.entry.override.reason})` : ''}`]))}`);
  out.push(`<h2>Pushes</h2>${table(['when', 'registry', 'reference', 'digest', 'why'], v.pushes.map((p) => [p.at, p.registry ?? '', p.reference ?? '', p.digest ?? '', p.reason]))}`);
  if (input.alerts) out.push(`<h2>Open monitoring alerts</h2>${table(['alert'], input.alerts.map((a) => [a]))}`);
  out.push('</body></html>\n');
  return out.join('\n');
}

export function renderReportMarkdown(input: ReportInput, htmlName: string): string {
  const { version: v } = input;
  const m = escapeMarkdown;
  const table = (head: string[], rows: string[][]): string => rows.length === 0 ? '(none)\n'
    : `| ${head.map(m).join(' | ')} |\n| ${head.map(() => '---').join(' | ')} |\n${rows.map((r) => `| ${r.map(m).join(' | ')} |`).join('\n')}\n`;
  const out: string[] = [];
  out.push(`# ${m(`${v.model} v${v.version}`)} (${m(v.stage)})\n`);
  out.push(`Report generated ${m(input.generatedAt.toISOString())}. Latest reason: ${m(v.latestReason)}. Charts: [${m(htmlName)}](${encodeURI(htmlName)}).\n`);
  for (const s of sections(input)) out.push(`## ${m(s.title)}\n\n${table(['field', 'value'], s.rows)}`);
  out.push(`## Metrics\n\n${table(['metric', 'last', 'min', 'max', 'points'], metricRows(input.run))}`);
  out.push(`## Gates\n\n${table(['gate', 'rule', 'result'], input.gates.map((g) => [g.gate.name, g.gate.rule, g.message]))}`);
  out.push(`## History\n\n${table(['when', 'who', 'what', 'why'], v.history.map((i) => [i.entry.at, describeWho(i.entry.who), `v${i.entry.version} ${describeTransition(i.entry)}`, `${i.correctedReason ?? i.entry.reason}${i.entry.override ? ` (failing gates ${i.entry.override.gates.join(', ')} overridden: ${i.entry.override.reason})` : ''}`]))}`);
  out.push(`## Pushes\n\n${table(['when', 'registry', 'reference', 'digest', 'why'], v.pushes.map((p) => [p.at, p.registry ?? '', p.reference ?? '', p.digest ?? '', p.reason]))}`);
  if (input.alerts) out.push(`## Open monitoring alerts\n\n${table(['alert'], input.alerts.map((a) => [a]))}`);
  return out.join('\n');
}
