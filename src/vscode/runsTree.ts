import * as vscode from 'vscode';
import type { RunQuery, RunRow, RunStatus } from '../core/model';
import type { IndexHost } from './indexHost';
import { runDescription } from './runFormat';
import { runTooltipMarkdown } from './runTooltip';
import type { RunsTreeExperimentItem } from './testApi';
import { ContextKey } from './commandIds';
import { errorMessage } from '../shared/errorMessage';
import { formatCount } from '../shared/format';

export interface ExperimentNode {
  kind: 'experiment';
  name: string;
  runs: RunRow[];
}

export interface RunNode {
  kind: 'run';
  run: RunRow;
  /** The primary metric declared in the run's experiment (see experimentPrimary). */
  experimentPrimary?: string;
}

export type RunsTreeNode = ExperimentNode | RunNode;

const statusIcons: Record<RunStatus, vscode.ThemeIcon> = {
  running: new vscode.ThemeIcon('loading~spin', new vscode.ThemeColor('charts.blue')),
  finished: new vscode.ThemeIcon('pass', new vscode.ThemeColor('testing.iconPassed')),
  failed: new vscode.ThemeIcon('error', new vscode.ThemeColor('testing.iconFailed')),
  crashed: new vscode.ThemeIcon('warning', new vscode.ThemeColor('list.warningForeground')),
  killed: new vscode.ThemeIcon('circle-slash', new vscode.ThemeColor('disabledForeground')),
};

/** How often the ages beside runs are redrawn. */
const AGE_TICK_MS = 60_000;

/** Experiments → runs. Ids are stable so refreshes keep selection and expansion. */
export class RunsTreeProvider implements vscode.TreeDataProvider<RunsTreeNode>, vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<RunsTreeNode | undefined>();
  readonly onDidChangeTreeData = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;
  private readonly progressSubscription: vscode.Disposable;
  /** The filter's line of the message (set by each query) and the indexing line (set by the host's progress). */
  private filterMessage: string | undefined;
  private indexingMessage: string | undefined;

  /** Shown above the tree: the active filter, or why it could not be applied. */
  message: string | undefined;
  private readonly messageEmitter = new vscode.EventEmitter<string | undefined>();
  readonly onDidChangeMessage = this.messageEmitter.event;
  /** When the view was first given runs (epoch ms; the activation benchmark reads it). */
  listedAt: number | undefined;
  /** When VS Code first asked for a run's item (epoch ms): it is drawing the rows under an experiment. */
  shownAt: number | undefined;

  constructor(private readonly host: IndexHost, private keyMetric: string, private readonly query: () => RunQuery, private readonly describeFilter: () => string) {
    this.subscription = host.onDidChange(() => this.refresh());
    // Ages ("14m ago") tick once a minute: the same runs, relabelled; the index is not asked again.
    this.ticker = setInterval(() => this.tick(), AGE_TICK_MS);
    this.progressSubscription = host.onDidChangeProgress((p) => {
      this.indexingMessage = p && `Indexing: ${formatCount(p.done)} of ${formatCount(p.total)} logs read; metrics fill in as runs are read (${formatCount(p.pending)} to go).`;
      this.showMessage();
    });
  }

  private showMessage(): void {
    const message = [this.indexingMessage, this.filterMessage].filter((m) => m !== undefined).join(' — ') || undefined;
    if (message !== this.message) {
      this.message = message;
      this.messageEmitter.fire(message);
    }
  }

  /** The index or the query changed: the next read asks the index again. */
  refresh(): void {
    this.cached = undefined;
    this.changeEmitter.fire(undefined);
  }

  /** Index queries made since the tree was created (for the tests). */
  queries = 0;
  /** The runs last read from the index, kept until the index or the query changes. */
  private cached: Promise<ExperimentNode[]> | undefined;
  private readonly ticker: ReturnType<typeof setInterval>;
  /** Added to the wall clock; only the test hook moves it. */
  private skewMs = 0;

  private now(): number {
    return Date.now() + this.skewMs;
  }

  /** Redraws every item from the runs held, so their ages read right. */
  private tick(): void {
    // Nothing read yet (or a read already due): VS Code asks when it shows the view.
    if (this.cached) this.changeEmitter.fire(undefined);
  }

  /** Test hook: the clock moves on by `ms`, and the ages tick at once. */
  advanceClock(ms: number): void {
    this.skewMs += ms;
    this.tick();
  }

  /** `trialbook.keyMetric` changed: every run's description changes with it. */
  setKeyMetric(keyMetric: string): void {
    if (keyMetric === this.keyMetric) return;
    this.keyMetric = keyMetric;
    this.refresh();
  }

  async getChildren(element?: RunsTreeNode): Promise<RunsTreeNode[]> {
    if (element) {
      if (element.kind !== 'experiment') return [];
      const experimentPrimary = primaryOf(element.runs);
      return element.runs.map((run) => ({ kind: 'run', run, experimentPrimary }));
    }
    return this.roots();
  }

  /** A run's experiment, so the view can reveal and select a run (VS Code matches nodes by their item ids). */
  async getParent(node: RunsTreeNode): Promise<ExperimentNode | undefined> {
    if (node.kind !== 'run') return undefined;
    return (await this.roots()).find((e) => e.name === node.run.experiment);
  }

  /** The node of a listed run (for `TreeView.reveal`); undefined when the view does not list it. */
  async runNode(runId: string): Promise<RunNode | undefined> {
    for (const e of await this.roots()) {
      const run = e.runs.find((r) => r.id === runId);
      if (run) return { kind: 'run', run, experimentPrimary: primaryOf(e.runs) };
    }
    return undefined;
  }

  private roots(): Promise<ExperimentNode[]> {
    if (!this.cached) {
      const read = this.experiments();
      this.cached = read;
      // A failed read is not kept: the next one tries again.
      read.catch(() => { if (this.cached === read) this.cached = undefined; });
    }
    return this.cached;
  }

  async experiments(): Promise<ExperimentNode[]> {
    // The run list beside the database answers while the index loads; the host says when the index takes over.
    const index = await this.host.lister();
    const query = this.query();
    let runs: RunRow[];
    let message: string | undefined;
    let total: number | undefined;
    try {
      this.queries++;
      runs = index.listRuns(query);
      if (query.filter) {
        total = index.listRuns({}).length;
        message = `Filtered (${this.describeFilter()}): ${runs.length} of ${total} runs`;
      }
    } catch (err) {
      runs = index.listRuns({ sort: query.sort });
      message = `Filter not applied: ${errorMessage(err)}`;
    }
    this.filterMessage = message;
    this.showMessage();
    // Unfiltered, the runs shown are all the runs; filtered, the total was just counted.
    const hasRuns = runs.length > 0 || (total ?? 0) > 0;
    if (hasRuns) this.listedAt ??= Date.now();
    void vscode.commands.executeCommand('setContext', ContextKey.hasRuns, hasRuns);
    const byExperiment = new Map<string, RunRow[]>();
    for (const run of runs) {
      const list = byExperiment.get(run.experiment) ?? [];
      list.push(run);
      byExperiment.set(run.experiment, list);
    }
    // Experiments in order of their most recent run (runs are already newest first).
    return [...byExperiment.entries()].map(([name, list]) => ({ kind: 'experiment', name, runs: list }));
  }

  getTreeItem(node: RunsTreeNode): vscode.TreeItem {
    if (node.kind === 'experiment') {
      const item = new vscode.TreeItem(node.name, vscode.TreeItemCollapsibleState.Expanded);
      item.id = `experiment:${node.name}`;
      item.iconPath = new vscode.ThemeIcon('beaker');
      const running = node.runs.filter((r) => r.status === 'running').length;
      item.description = `${node.runs.length} run${node.runs.length === 1 ? '' : 's'}${running ? ` · ${running} running` : ''}`;
      item.contextValue = 'experiment';
      return item;
    }
    const run = node.run;
    this.shownAt ??= Date.now();
    const item = new vscode.TreeItem(run.name, vscode.TreeItemCollapsibleState.None);
    item.id = `run:${run.id}`;
    item.iconPath = statusIcons[run.status];
    item.description = runDescription(run, { configured: this.keyMetric, sort: this.query().sort, experimentPrimary: node.experimentPrimary }, this.now());
    // The tooltip is built when the row is hovered (resolveTreeItem): VS Code asks for every listed run's item at
    // each refresh, and a thousand tooltips took most of a second-long stall of the extension host.
    if (run.starred) item.description = `★ ${item.description}`;
    // Runs browsed from an MLflow server (src/core/remote/*) are the server's: marked, read only there.
    const remote = run.tags.some((t) => t.startsWith('mlflow-server='));
    if (remote) item.description = `remote · ${item.description}`;
    // Menus match on this: status, whether the source is known, whether starred, whether browsed from a server.
    item.contextValue = `run.${run.status}${run.script || run.notebook ? '.source' : ''}${run.starred ? '.starred' : ''}${remote ? '.remote' : ''}`;
    item.accessibilityInformation = { label: `${run.name}, ${run.status}, ${item.description}` };
    return item;
  }

  /** A run's tooltip, when VS Code is about to show it (hover). */
  resolveTreeItem(item: vscode.TreeItem, node: RunsTreeNode): vscode.TreeItem {
    if (node.kind === 'run' && item.tooltip === undefined) item.tooltip = runTooltip(node.run);
    return item;
  }

  /** What the Runs view shows (the items this provider gives VS Code), for the integration tests. */
  async snapshot(): Promise<RunsTreeExperimentItem[]> {
    const experiments = await this.roots();
    return experiments.map((e) => ({
      experiment: e.name,
      runs: e.runs.map((run) => {
        const node: RunNode = { kind: 'run', run, experimentPrimary: primaryOf(e.runs) };
        const item = this.resolveTreeItem(this.getTreeItem(node), node);
        const tooltip = item.tooltip instanceof vscode.MarkdownString ? item.tooltip.value : '';
        return { id: run.id, label: run.name, description: typeof item.description === 'string' ? item.description : '', status: run.status, tooltip };
      }),
    }));
  }

  dispose(): void {
    clearInterval(this.ticker);
    this.subscription.dispose();
    this.progressSubscription.dispose();
    this.changeEmitter.dispose();
    this.messageEmitter.dispose();
  }
}

/** An experiment's primary metric: the one declared by its newest run that declares one. */
function primaryOf(runs: readonly RunRow[]): string | undefined {
  let newest: RunRow | undefined;
  for (const run of runs) if (run.primaryMetric !== undefined && (!newest || run.startedAt > newest.startedAt)) newest = run;
  return newest?.primaryMetric;
}

/** Run-supplied text stays text: escaped inline, or in a code block no note can close (see runTooltip.ts). */
function runTooltip(run: RunRow): vscode.MarkdownString {
  const md = new vscode.MarkdownString(runTooltipMarkdown(run), false);
  md.isTrusted = false;
  md.supportHtml = false;
  return md;
}
