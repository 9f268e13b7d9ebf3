// The Markdown of a run's tooltip in the Runs view (no vscode import: unit-tested with a CommonMark parser).
// Everything in it but the layout is run-supplied, so it is either escaped inline text or inside a code block
// that no input can close.
import type { MetricSummary, RunRow } from '../core/model';
import { formatDate, formatNumber, formatValue } from '../shared/format';
import { metricGoal } from '../shared/metricDirection';
import { fencedCodeBlock } from '../shared/untrustedText';

/**
 * Inline Markdown that shows `text` exactly: every ASCII punctuation character is backslash-escaped (CommonMark
 * allows it for all of them), so no emphasis, link, image, autolink, HTML or entity can start; line breaks become
 * spaces, so the text stays in its paragraph.
 */
export function markdownLiteral(text: string): string {
  return text.replace(/\r\n|[\r\n]/g, ' ').replace(/[!-/:-@[-`{-~]/g, '\\$&');
}

/** `, summary: min, lower is better`: what the run declared or the name suggests, when anything. */
function metricNotes(name: string, m: MetricSummary): string {
  const goal = metricGoal(name, m.goal);
  const notes = [m.summaryMode ? `summary: ${m.summaryMode}` : '', goal === 'minimize' ? 'lower is better' : goal === 'maximize' ? 'higher is better' : ''];
  return notes.filter(Boolean).map((n) => `, ${n}`).join('');
}

/** Params, metrics and summary values listed, at most this many each. */
const LISTED = 20;

/** The tooltip's lines of plain text (the code block's content). */
export function runTooltipLines(run: RunRow): string[] {
  const lines: string[] = [];
  if (run.notes) lines.push(`Notes: ${run.notes}`);
  const params = Object.entries(run.params);
  if (params.length) {
    lines.push('Params:');
    for (const [k, v] of params.slice(0, LISTED)) lines.push(`  ${k} = ${formatValue(v)}`);
    if (params.length > LISTED) lines.push(`  … ${params.length - LISTED} more`);
  }
  const metrics = Object.entries(run.metrics).filter(([k]) => !k.startsWith('system/'));
  if (metrics.length) {
    lines.push('Metrics (last / min / max):');
    for (const [k, m] of metrics.slice(0, LISTED)) {
      lines.push(`  ${k}: ${formatNumber(m.last)} / ${formatNumber(m.min)} / ${formatNumber(m.max)}  (${m.count} points${metricNotes(k, m)})`);
    }
    if (metrics.length > LISTED) lines.push(`  … ${metrics.length - LISTED} more`);
  }
  // Own entries only: a summary named `__proto__` is a value like any other.
  const summary = Object.entries(run.summary ?? {});
  if (summary.length) {
    lines.push('Summary:');
    for (const [k, v] of summary.slice(0, LISTED)) lines.push(`  ${k} = ${formatValue(v)}`);
    if (summary.length > LISTED) lines.push(`  … ${summary.length - LISTED} more`);
  }
  if (run.gitCommit) lines.push(`Git commit: ${run.gitCommit.slice(0, 12)}`);
  if (run.tags.length) lines.push(`Tags: ${run.tags.join(', ')}`);
  if (run.script) lines.push(`Script: ${run.script}`);
  if (run.notebook) lines.push(`Notebook: ${run.notebook}`);
  if (run.skippedLines) lines.push(`⚠ ${run.skippedLines} unreadable log line(s) skipped — see Trialbook: Show Log`);
  return lines;
}

/** `**name** — status · experiment · id`, then the details in a code block. */
export function runTooltipMarkdown(run: RunRow): string {
  // An imported run its tool still calls running, silent past the crash window (its tool writes no heartbeats).
  const status = run.status === 'running' && run.stale ? `running, no update since ${formatDate(run.lastEventAt)}` : run.status;
  const heading = `**${markdownLiteral(run.name)}** — ${markdownLiteral(`${status} · ${run.experiment} · ${run.id}`)}\n`;
  const lines = runTooltipLines(run);
  return lines.length ? `${heading}${fencedCodeBlock(lines.join('\n'))}` : heading;
}
