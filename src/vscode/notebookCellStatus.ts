import * as vscode from 'vscode';
import type { CellLink, RunRow } from '../core/model';
import type { IndexHost } from './indexHost';
import { linksForCell } from './cellMatch';
import { formatNumber, formatParam } from './runFormat';
import { CommandId } from './commandIds';

/** Values shown in a cell's item: the metrics that cell logged, the run's own first. */
function latestText(link: CellLink, limit: number): string {
  return Object.entries(link.latest)
    .filter(([k]) => !k.startsWith('system/'))
    .sort(([a], [b]) => a.localeCompare(b))
    .slice(0, limit)
    .map(([k, v]) => `${k} ${formatNumber(v)}`)
    .join(' · ');
}

/** Plain text: notebook cell status items take no Markdown, and run-supplied text stays inert. */
function tooltip(run: RunRow, link: CellLink): string {
  const lines = [`${run.name} — ${run.status} · ${run.experiment}`, `Cell execution ${link.exec ?? '?'}, step ${link.lastStep}`];
  for (const [k, v] of Object.entries(link.latest)) lines.push(`  ${k} = ${formatNumber(v)}`);
  const params = Object.entries(run.params);
  if (params.length) {
    lines.push('Params:');
    for (const [k, v] of params.slice(0, 20)) lines.push(`  ${k} = ${formatParam(v)}`);
  }
  lines.push('', 'Click to open the comparison for this run.');
  return lines.join('\n');
}

/**
 * Under every notebook cell that logged to a run: `$(beaker) brave-otter · loss 0.231`, live while the
 * run is active. Cells are matched through the notebook path and the cell links the SDK records.
 */
export class NotebookCellStatusProvider implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCellStatusBarItems = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor(private readonly host: IndexHost) {
    this.subscription = host.onDidChange(() => this.changeEmitter.fire());
  }

  async provideCellStatusBarItems(cell: vscode.NotebookCell): Promise<vscode.NotebookCellStatusBarItem[]> {
    if (cell.kind !== vscode.NotebookCellKind.Code || cell.notebook.uri.scheme !== 'file') return [];
    const index = await this.host.get();
    const links = index.cellLinks(cell.notebook.uri.fsPath);
    if (links.length === 0) return [];
    const matched = linksForCell(links, cell.document.getText(), cell.executionSummary?.executionOrder);
    const items: vscode.NotebookCellStatusBarItem[] = [];
    // Newest run first: run ids sort by start time.
    for (const link of [...matched].sort((a, b) => b.runId.localeCompare(a.runId)).slice(0, 3)) {
      const run = index.getRun(link.runId);
      if (!run) continue;
      const values = latestText(link, 3);
      const icon = run.status === 'running' ? '$(loading~spin)' : '$(beaker)';
      const item = new vscode.NotebookCellStatusBarItem(`${icon} ${run.name}${values ? ` · ${values}` : ''}`, vscode.NotebookCellStatusBarAlignment.Left);
      item.tooltip = tooltip(run, link);
      item.command = { title: 'Compare', command: CommandId.compareRuns, arguments: [[run.id]] };
      item.accessibilityInformation = { label: `Trialbook run ${run.name}: ${values}` };
      items.push(item);
    }
    return items;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}
