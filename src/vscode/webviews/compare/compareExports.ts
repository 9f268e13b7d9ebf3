// What the comparison panel saves to disk: its data as CSV, a chart as PNG.
import * as vscode from 'vscode';
import type { Logger } from '../../../core/model';
import type { CompareData } from '../../../shared/webviews/compare/contract';
import { inertText } from '../../../shared/untrustedText';
import { defaultExportUri, exportFileName, saveExport } from '../exportTarget';
import type { RunIndex } from '../../../core/runIndex';
import { compareCsv, compareLinesInSlices, withLines } from './compareData';

/**
 * The comparison shown (`shown`) as CSV, to a file the user picks (a default name offered): every chart, those the
 * page never asked for (below the fold) read now at the page's points per line.
 */
export async function exportComparisonCsv(shown: CompareData | undefined, index: () => Promise<RunIndex>, maxPoints: number): Promise<void> {
  if (!shown) {
    void vscode.window.showInformationMessage('Trialbook: the comparison has not loaded yet.');
    return;
  }
  const pending = shown.pendingMetrics ?? [];
  const data = pending.length === 0 || shown.xAxis === 'metric' ? shown
    : withLines(shown, pending, await compareLinesInSlices(await index(), shown.runs.map((r) => r.id), pending, shown.xAxis, maxPoints));
  const target = await saveExport({
    name: exportFileName('compare', 'csv'), title: 'Export Comparison as CSV', filters: { CSV: ['csv'] }, content: Buffer.from(compareCsv(data), 'utf8'),
  });
  if (target) void vscode.window.showInformationMessage(`Comparison exported to ${inertText(target.fsPath)}`);
}

/** A chart's PNG (a data URL from the page) to a file the user picks; anything but a PNG data URL is refused. */
export async function saveChartPng(metric: string, dataUrl: string, log: Logger): Promise<void> {
  const base64 = /^data:image\/png;base64,([A-Za-z0-9+/=]+)$/.exec(dataUrl)?.[1];
  if (base64 === undefined) {
    log.warn('Compare: the chart image was not a PNG data URL; not saved.');
    return;
  }
  const safe = metric.replace(/[^\w.-]+/g, '_').slice(0, 80) || 'chart';
  const target = await vscode.window.showSaveDialog({
    filters: { PNG: ['png'] }, saveLabel: 'Save', title: `Save ${metric} chart as PNG`, defaultUri: defaultExportUri(`${safe}.png`),
  });
  if (!target) return;
  await vscode.workspace.fs.writeFile(target, Buffer.from(base64, 'base64'));
}
