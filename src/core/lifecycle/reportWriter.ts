// Writes the model report pair (HTML and Markdown) of a registered version: the data from the index (run, metric
// series for the charts), the registry (history, pushes) and the gates, rendered by modelReport.ts.
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { RunIndex } from '../runIndex';
import type { ModelLifecycle } from './modelLifecycle';
import { renderReportHtml, renderReportMarkdown, reportStem, type ReportInput } from './modelReport';
import { scanMonitoringRuns } from '../monitoring/monitorScan';
import { openFindings } from '../monitoring/monitorStatus';

/** Points per chart line: enough for the shape, small enough for a file people attach to tickets. */
const CHART_POINTS = 200;
const MAX_CHARTS = 24;

export interface WrittenReport {
  html: string;
  markdown: string;
}

/**
 * What the report of a version holds. With `trialbookDir`, monitoring's open alerts or warnings for the version
 * (its monitoring runs' logs, docs/monitoring.md) are listed too; a workspace without monitoring lists none.
 */
export async function buildReportInput(lifecycle: ModelLifecycle, index: Pick<RunIndex, 'getRun' | 'series'>, model: string, version: number, now = new Date(),
  trialbookDir?: string): Promise<ReportInput> {
  const v = await lifecycle.version(model, version);
  const run = index.getRun(v.runId);
  const keys = Object.keys(run?.metrics ?? {}).filter((k) => !k.startsWith('system/')).sort().slice(0, MAX_CHARTS);
  const series = run && keys.length ? index.series({ runIds: [run.id], keys, xAxis: 'step', maxPoints: CHART_POINTS }) : [];
  const alerts = trialbookDir ? openFindings(scanMonitoringRuns(trialbookDir).runs, model, String(version)) : [];
  return { version: v, run, gates: await lifecycle.checkGates(model, version), series, generatedAt: now, ...(alerts.length ? { alerts } : {}) };
}

/** Writes `<stem>.html` and `<stem>.md` (default stem `<model>-v<N>`) into `outDir` (created if needed). */
export async function writeModelReport(input: ReportInput, outDir: string, stem = reportStem(input.version)): Promise<WrittenReport> {
  await fsp.mkdir(outDir, { recursive: true });
  const html = path.join(outDir, `${stem}.html`);
  const markdown = path.join(outDir, `${stem}.md`);
  await fsp.writeFile(html, renderReportHtml(input), 'utf8');
  await fsp.writeFile(markdown, renderReportMarkdown(input, `${stem}.html`), 'utf8');
  return { html, markdown };
}
