import * as vscode from 'vscode';
import type { RunDetail } from '../../core/model';
import { formatAge } from '../../shared/format';
import { inertText } from '../../shared/untrustedText';
import { CommandId } from '../commandIds';
import { goalAcross, paramsLine } from '../runFormat';
import type { WorkspaceParts } from '../workspaceParts';
import { runIdsOf, type RunRef, type RunsTreeTarget, type TreeSelection } from './commandArgs';
import { settledSelection, targetOf } from './treeSelection';

/** How commands find the runs they act on: from their arguments, the Runs view's selection, or a quick pick. */
export class RunPickers {
  constructor(private readonly parts: WorkspaceParts) {}

  /**
   * A tree command's runs, read fresh from the index: the clicked node (and the multi-selection holding it); from
   * the palette, what is selected in the Runs view; else a quick pick (one run unless `many`).
   */
  async runsFor(node: RunsTreeTarget | undefined, selection: TreeSelection | undefined, many: boolean): Promise<RunDetail[]> {
    const given = selection && (await settledSelection(this.parts.treeView, selection));
    const fromView = node || given ? given : this.parts.treeView.selection.map(targetOf);
    let ids = runIdsOf(node, fromView);
    if (ids.length === 0) ids = (await this.pickRunIds(many, many ? 'Runs' : 'Pick a run')) ?? [];
    const index = await this.parts.host.get();
    return ids.map((id) => index.getRun(id)).filter((r): r is RunDetail => r !== undefined);
  }

  /** One run: by id, from a node, from the Runs view's selection, or picked. */
  async runFor(ref: RunRef | undefined): Promise<RunDetail | undefined> {
    if (ref?.kind === 'id') return (await this.parts.host.get()).getRun(ref.runId);
    return (await this.runsFor(ref, undefined, false))[0];
  }

  /** A quick pick of runs, newest first; for comparing, the three newest are preselected. */
  async pickRunIds(many: boolean, title: string): Promise<string[] | undefined> {
    await this.parts.host.refresh();
    const runs = (await this.parts.host.get()).listRuns({ sort: '-started' });
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Trialbook: no runs yet. Run a script that calls trialbook.init() first.', 'Open Example Script')
        .then((choice) => choice && vscode.commands.executeCommand(CommandId.openExample));
      return undefined;
    }
    const now = Date.now();
    // Names, experiments and params are run-supplied: inert, so `$(icon)` and links show as typed.
    const items = runs.map((run, i): vscode.QuickPickItem & { id: string } => ({
      id: run.id,
      label: `${run.starred ? '$(star-full) ' : ''}${inertText(run.name)}`,
      description: `${inertText(run.experiment)} · ${run.status} · ${formatAge(run.startedAt, now)}`,
      detail: inertText(paramsLine(run)),
      picked: many && i < 3,
    }));
    if (many) {
      const picked = await vscode.window.showQuickPick(items, { canPickMany: true, title, placeHolder: 'Runs (the newest are selected)', matchOnDescription: true, matchOnDetail: true });
      return picked?.map((p) => p.id);
    }
    const picked = await vscode.window.showQuickPick(items, { title, matchOnDescription: true, matchOnDetail: true });
    return picked ? [picked.id] : undefined;
  }

  /**
   * The `trialbook.keyMetric` setting, picked from the metrics of all runs: a name, '' for automatic, or undefined
   * when dismissed. The setting counts after the view's sort and declared primary metrics (see keyMetricOf).
   */
  async pickKeyMetric(current: string): Promise<string | undefined> {
    const runs = (await this.parts.host.get()).listRuns({});
    const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].filter((m) => !m.startsWith('system/')).sort();
    const goalText = (m: string): string => {
      const goal = goalAcross(runs, m);
      return goal === 'maximize' ? 'higher is better' : goal === 'minimize' ? 'lower is better' : 'no direction';
    };
    const items: Array<vscode.QuickPickItem & { name?: string }> = [
      { label: `${current === '' ? '$(check) ' : ''}Automatic`, description: 'the first metric with a direction', name: '' },
      ...(metrics.length ? [{ label: 'Metrics', kind: vscode.QuickPickItemKind.Separator }] : []),
      ...metrics.map((m) => ({ label: `${m === current ? '$(check) ' : ''}${inertText(m)}`, description: goalText(m), name: m })),
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: 'Key Metric',
      placeHolder: 'Shown beside each run unless the view is sorted by a metric or the experiment declares a primary metric',
      matchOnDescription: true,
    });
    return pick?.name;
  }

  /** Sort orders for the Runs view: fixed columns, then each metric and param in both directions. */
  async pickSort(): Promise<string | undefined> {
    const runs = (await this.parts.host.get()).listRuns({});
    const metrics = [...new Set(runs.flatMap((r) => Object.keys(r.metrics)))].filter((m) => !m.startsWith('system/')).sort();
    const params = [...new Set(runs.flatMap((r) => Object.keys(r.params)))].sort();
    const current = this.parts.filter.sort;
    const item = (label: string, sort: string, description = ''): vscode.QuickPickItem & { sort: string } =>
      ({ label: `${sort === current ? '$(check) ' : ''}${label}`, description, sort });
    const items: Array<vscode.QuickPickItem & { sort?: string }> = [
      item('Newest first', '-started'), item('Oldest first', 'started'), item('Name', 'name'), item('Status', 'status'),
      item('Longest first', '-duration'), item('Recently updated', '-updated'),
    ];
    if (metrics.length) items.push({ label: 'Metrics (summary value: the last unless declared)', kind: vscode.QuickPickItemKind.Separator });
    for (const m of metrics) {
      // Best first where the metric has a direction (declared, or guessed from its name).
      const goal = goalAcross(runs, m);
      const up = item(`${inertText(m)} ↑`, `metric.${m}`, goal === 'minimize' ? 'lowest first (best first)' : 'lowest first');
      const down = item(`${inertText(m)} ↓`, `-metric.${m}`, goal === 'maximize' ? 'highest first (best first)' : 'highest first');
      items.push(...(goal === 'maximize' ? [down, up] : [up, down]));
    }
    const summaries = [...new Set(runs.flatMap((r) => Object.keys(r.summary ?? {})))].sort();
    if (summaries.length) items.push({ label: 'Summary values', kind: vscode.QuickPickItemKind.Separator });
    for (const s of summaries) items.push(item(`${inertText(s)} ↑`, `summary.${s}`), item(`${inertText(s)} ↓`, `-summary.${s}`));
    if (params.length) items.push({ label: 'Params', kind: vscode.QuickPickItemKind.Separator });
    for (const p of params) items.push(item(`${inertText(p)} ↑`, `param.${p}`), item(`${inertText(p)} ↓`, `-param.${p}`));
    const pick = await vscode.window.showQuickPick(items, { title: 'Sort Runs', matchOnDescription: true });
    return pick?.sort;
  }
}
