import * as vscode from 'vscode';
import { resolve } from 'node:path';
import { MediaCatalog } from '../core/media/mediaCatalog';
import type { CellLink, RunRow } from '../core/model';
import type { RunReader } from '../core/runIndex';
import type { IndexHost } from './indexHost';
import { linksForCell } from './cellMatch';
import { cellValuesText } from './runFormat';
import { formatNumber, formatValue } from '../shared/format';
import { inertText } from '../shared/untrustedText';
import { CommandId } from './commandIds';

/** Plain text (no Markdown), with link and icon syntax broken: everything in it but the labels is run-supplied. */
function tooltip(run: RunRow, link: CellLink): string {
  const lines = [`${run.name} — ${run.status} · ${run.experiment}`, `Cell execution ${link.exec ?? '?'}, step ${link.lastStep}`];
  for (const [k, v] of Object.entries(link.latest)) lines.push(`  ${k} = ${formatNumber(v)}`);
  const params = Object.entries(run.params);
  if (params.length) {
    lines.push('Params:');
    for (const [k, v] of params.slice(0, 20)) lines.push(`  ${k} = ${formatValue(v)}`);
  }
  lines.push('', 'Click to open the comparison for this run.');
  return inertText(lines.join('\n'));
}

/**
 * Under every notebook cell that logged to a run: `$(beaker) brave-otter · loss 0.231`, live while the
 * run is active, and `$(file-media) Show media` when the cell logged rich values (images, tables…) to it. Cells are
 * matched through the notebook path and the cell links the SDK records (on metrics events, read by the index, and on
 * media events, read from the run's log by a media catalog that reads only what was appended).
 */
export class NotebookCellStatusProvider implements vscode.NotebookCellStatusBarItemProvider, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChangeCellStatusBarItems = this.changeEmitter.event;
  private readonly subscriptions: vscode.Disposable[];
  /** Per open notebook: its runs' media, read incrementally (one catalog per notebook, so two open notebooks do not
   * evict each other's runs and read their logs again from the start). */
  private readonly media = new Map<string, MediaCatalog>();
  /** Runs started from each notebook (lineage), until the index changes: listing all runs per cell would repeat. */
  private readonly notebookRuns = new Map<string, string[]>();

  constructor(private readonly host: IndexHost, private keyMetric: string) {
    this.subscriptions = [
      host.onDidChange(() => {
        this.notebookRuns.clear();
        this.changeEmitter.fire();
      }),
      vscode.workspace.onDidCloseNotebookDocument((notebook) => {
        this.media.delete(notebook.uri.fsPath);
        this.notebookRuns.delete(notebook.uri.fsPath);
      }),
    ];
  }

  /** `trialbook.keyMetric` changed: a cell shows the key metric first. */
  setKeyMetric(keyMetric: string): void {
    if (keyMetric === this.keyMetric) return;
    this.keyMetric = keyMetric;
    this.changeEmitter.fire();
  }

  async provideCellStatusBarItems(cell: vscode.NotebookCell): Promise<vscode.NotebookCellStatusBarItem[]> {
    if (cell.kind !== vscode.NotebookCellKind.Code || cell.notebook.uri.scheme !== 'file') return [];
    const index = await this.host.get();
    const notebook = cell.notebook.uri.fsPath;
    const links = index.cellLinks(notebook);
    // A cell that logged only media has no metrics cell link: its run is found through the notebook it started in.
    const started = this.runsStartedIn(index, notebook);
    if (links.length === 0 && started.length === 0) return [];
    const source = cell.document.getText();
    const matched = linksForCell(links, source, cell.executionSummary?.executionOrder);
    const items: vscode.NotebookCellStatusBarItem[] = [];
    // Newest run first: run ids sort by start time.
    for (const link of [...matched].sort((a, b) => b.runId.localeCompare(a.runId)).slice(0, 3)) {
      const run = index.getRun(link.runId);
      if (!run) continue;
      const values = cellValuesText(run, link.latest, this.keyMetric);
      const icon = run.status === 'running' ? '$(loading~spin)' : '$(beaker)';
      const item = new vscode.NotebookCellStatusBarItem(`${icon} ${inertText(run.name)}${values ? ` · ${inertText(values)}` : ''}`, vscode.NotebookCellStatusBarAlignment.Left);
      item.tooltip = tooltip(run, link);
      item.command = { title: 'Compare', command: CommandId.compareRuns, arguments: [[run.id]] };
      item.accessibilityInformation = { label: `Trialbook run ${run.name}: ${values}` };
      items.push(item);
    }
    const candidates = [...links.map((l) => l.runId), ...started];
    for (const run of this.runsWithMediaOf(index, candidates, notebook, source, cell.executionSummary?.executionOrder)) {
      const item = new vscode.NotebookCellStatusBarItem('$(file-media) Show media', vscode.NotebookCellStatusBarAlignment.Left);
      item.tooltip = inertText(`Show the media this cell logged to ${run.name} (its latest images, tables, charts and text)`);
      item.command = { title: 'Show media', command: CommandId.showRunMedia, arguments: [run.id] };
      item.accessibilityInformation = { label: `Show the media this cell logged to run ${run.name}` };
      items.push(item);
    }
    return items;
  }

  private runsStartedIn(index: RunReader, notebook: string): string[] {
    let ids = this.notebookRuns.get(notebook);
    if (!ids) {
      const wanted = resolve(notebook);
      ids = index.listRuns().filter((r) => r.notebook !== undefined && r.notebook !== '' && (r.notebook === notebook || resolve(r.notebook) === wanted)).map((r) => r.id);
      this.notebookRuns.set(notebook, ids);
    }
    return ids;
  }

  /** The runs (newest first, at most 3) to which this cell logged media, among the runs linked to or started in this notebook. */
  private runsWithMediaOf(index: RunReader, candidates: readonly string[], notebook: string, source: string, executionOrder: number | undefined): RunRow[] {
    const runIds = [...new Set(candidates)].sort().reverse();
    let catalog = this.media.get(notebook);
    if (!catalog) {
      catalog = new MediaCatalog();
      this.media.set(notebook, catalog);
    }
    catalog.keepOnly(runIds);
    const out: RunRow[] = [];
    for (const runId of runIds) {
      const run = index.getRun(runId);
      if (!run) continue;
      // A media event names its notebook, or none (then it is the run's notebook, the one these links are in).
      const cells = [...catalog.read(runId, run.dir).cells.values()].filter((c) => c.notebook === undefined || c.notebook === notebook || resolve(c.notebook) === resolve(notebook));
      if (linksForCell(cells, source, executionOrder).length > 0) out.push(run);
      if (out.length === 3) break;
    }
    return out;
  }

  dispose(): void {
    for (const d of this.subscriptions.splice(0)) d.dispose();
    this.changeEmitter.dispose();
  }
}
