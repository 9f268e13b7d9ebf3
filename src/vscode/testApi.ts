// What `activate` returns: a small read-only surface that the integration tests (inside a real VS Code)
// use to see what the views and panels hold, without scraping the DOM.
import type { Credentials } from '../core/registry/types';
import type { SyncController, SyncStatus } from './sync/syncController';
import type { RemoteController } from './remote/remoteController';
import type { ArtifactFolder } from '../core/remote/remoteArtifacts';
import type { BrowseStatus } from '../core/remote/remoteBrowser';
import * as vscode from 'vscode';
import type { RunDetail, RunStatus } from '../core/model';
import type { AnalysisPanelInfo } from './analysis/analysisTestInfo';
import type { CommandError } from './commands/commandRunner';
import type { DatasetsSnapshot } from './datasetsTree';
import type { RecentLines } from './logger';
import type { RegistryCommands } from './registryCommands';
import type { WorkspaceParts } from './workspaceParts';
import { holdReadyMessages } from './webviews/readyHold';

export interface RunsTreeRunItem {
  id: string;
  label: string;
  description: string;
  status: RunStatus;
  /** The tooltip's Markdown. */
  tooltip: string;
}

export interface RunsTreeExperimentItem {
  experiment: string;
  runs: RunsTreeRunItem[];
}

export interface ComparePanelInfo {
  runIds: string[];
  metrics: string[];
  /**
   * True once the webview sent its ready message and was posted the comparison with the lines of every chart in view
   * and every chart it asked for (the charts below the fold are asked for as they near the screen).
   */
  ready: boolean;
  /** Points per line in the last series message sent to the webview, by `${runId}/${metric}`. */
  pointsSent: Record<string, number>;
  /** Incremental updates sent while compared runs were live. */
  updatesSent: number;
  /** The `lines` messages posted since the page's last `data` or `update`, in order, as `${xAxis}/${metric}`. */
  linesSent: string[];
  /** Full comparisons (`data` messages) posted to the page, and those of them posted while a new page loaded. */
  dataSent: number;
  dataSentAhead: number;
  /** The x axis of the last comparison sent, its x metric, and the runs not drawn for lack of it. */
  xAxis?: string;
  xMetric?: string;
  xMissing: string[];
  /** The run picker's last answer. */
  runMatches?: { filter: string; runIds: string[]; total: number; error?: string };
  /**
   * The comparison messages (`data`, `lines`, `update`) posted since the latest `data` (that one first), with their
   * size on the webview channel (typed arrays' buffers whole, the rest as JSON) and, for `lines`, their metrics.
   */
  messages?: Array<{ type: string; bytes: number; metrics?: string[] }>;
  /** The media keys last sent, by section (images, histograms, tables, matrices, curves, texts). */
  mediaKeys?: Record<string, string[]>;
}

/** An open webview panel: a comparison, the runs table or a run's details. */
/** A run details page: its run, whether the page is there, the media keys sent to it, Show media requests served. */
export interface DetailsPanelInfo {
  runId: string;
  ready: boolean;
  mediaKeys: Record<string, string[]>;
  mediaReveals: number;
}

export interface WebviewPanelInfo {
  id: string;
  kind: 'compare' | 'runsTable' | 'details';
  title: string;
  /** The page said ready (and was not hidden since). */
  ready: boolean;
}

/** Milliseconds measured by the extension itself (the activation benchmark reads them). */
export interface TrialbookTimings {
  /** The synchronous part of activate(): what VS Code waits for. */
  activateMs: number;
  /** When activate() began (epoch ms). */
  activatedAt: number;
  /** Opening the index (sql.js and the database file), done lazily off the activation path. */
  indexOpenMs?: number;
  /** When the Runs view was first given runs (epoch ms). */
  listedAt?: number;
  /** When VS Code first asked the Runs view for a run's row (epoch ms): the rows under an experiment are being drawn. */
  shownAt?: number;
  /** When something first asked for the index (epoch ms). */
  openAskedAt?: number;
  /** When the first sync ended: every log read (epoch ms). */
  indexedAt?: number;
}

export interface TrialbookApi {
  timings(): TrialbookTimings;
  /** The `.trialbook` folder the extension watches, if a workspace is open. */
  trialbookDir(): string | undefined;
  /** Ingest changes now and resolve when the views reflect them. */
  refresh(): Promise<void>;
  /** The Runs tree as a user would see it, fully expanded. */
  runsTree(): Promise<RunsTreeExperimentItem[]>;
  /**
   * The Runs tree's clock: `advance` moves it forward (as if `ms` had passed) and ticks the ages at once; `queries`
   * counts the index queries the tree made since activation.
   */
  runsTreeClock: { advance(ms: number): void; queries(): number };
  /** Selects a run in the Runs view as a click would; answers the run ids the view's selection holds then. */
  selectRun(runId: string): Promise<string[]>;
  comparePanels(): ComparePanelInfo[];
  /** The chart layout a new window's first Compare would be built for (kept in the workspace state). */
  keptCompareLayout(): { chartPixelWidth?: number; chartsInView?: number };
  /** Holds every page's ready message until the function returned is called (see webviews/readyHold.ts). */
  holdReadyMessages(): () => void;
  webviewPanels(): WebviewPanelInfo[];
  detailsPanels(): DetailsPanelInfo[];
  /** Delivers `message` to a panel's host as its page's postMessage would (for malformed-message tests); false: no such panel. */
  postFromWebview(panelId: string, message: unknown): Promise<boolean>;
  /** Errors that commands reported to the user since activation (command id and message). */
  commandErrors(): Array<{ command: string; message: string }>;
  /** The latest lines of the Trialbook output channel, as `[level] message`. */
  logLines(): string[];
  /** The run as the details panel shows it. */
  runDetail(runId: string): Promise<RunDetail | undefined>;
  /** The status bar items the notebook cell provider gives each cell of a notebook, in cell order. */
  cellStatusItems(notebook: string): Promise<string[][]>;
  /** The same items with the command each runs (Show media: `trialbook.showRunMedia` with the run id). */
  cellStatusCommands(notebook: string): Promise<Array<Array<{ text: string; command?: string; args: unknown[] }>>>;
  /** The index's poll: its period once the index is open, and how many times it ticked. */
  indexPolling(): { intervalMs?: number; polls: number };
  /** Whether SecretStorage holds credentials for a registry. */
  hasRegistryCredentials(name: string): Promise<boolean>;
  /** The Models view: run name → model names → push references. */
  modelsTree(): Promise<Array<{ run: string; models: Array<{ name: string; pushes: string[] }> }>>;
  /** How many times the Models view was told to list again since activation. */
  modelsViewRelists(): number;
  /** Monitoring: the view's items (label, description, children), the alerts shown, the open dashboards. */
  monitoring(): MonitoringInfo;
  /** The Datasets view, fully expanded: dataset → versions → runs (with their models). */
  datasetsTree(): Promise<DatasetsSnapshot[]>;
  /** The Models view's registered models as shown: versions with stage, latest reason, gates and pushes; log problems. */
  registeredModels(): Promise<{ models: Array<{ name: string; versions: Array<{ version: number; stage: string; reason: string; gates: Array<{ name: string; status: string; message: string }>; pushes: string[]; history: string[] }> }>; problems: string[] }>;
  /** The Models view's registered models of MLflow sources (read only): label, description, tooltip, versions with their command. */
  sourceModels(): Promise<Array<{ label: string; description: string; tooltip: string; versions: Array<{ label: string; description: string; command: string; args: unknown[] }> }>>;
  /** The Test Explorer's gate items after the latest run: id → status and message. Waits for runs under way. */
  gateTestResults(): Promise<Array<{ id: string; status: string; message: string }>>;
  /** Diagnostics shown on .trialbook/gates.json: message and 1-based line:column. */
  gateDiagnostics(): Array<{ message: string; at: string }>;
  /** Open Analysis panels: title, scope, host timings. */
  analysisPanels(): AnalysisPanelInfo[];
  /** Delivers `message` to the Analysis panel at `index` (of analysisPanels()) as its page would; false: no such panel. */
  postToAnalysis(index: number, message: unknown): Promise<boolean>;
  /** The Runs view's filter expression (what Filter Runs… and Save as Filter set). */
  runsFilter(): string;
  /** Team sync: the status bar item's text and tooltip, the Runs view badge, and passes made; `syncNow` runs one. */
  sync: { status(): SyncStatus | undefined; syncNow(): Promise<void>; storeCredentials(c: Credentials): Promise<void> };
  /** MLflow servers browsed: each server's status; a login stored as the command stores it; histories fetched. */
  remote: { status(): BrowseStatus[]; storeCredentials(server: string, c: Credentials): Promise<void>; fetchHistories(runIds: string[]): Promise<string[]>; filterRuns(expression: string): Promise<BrowseStatus[]>; listArtifacts(runId: string, path?: string): Promise<ArtifactFolder>; artifactErrors(): string[] };
}

export interface MonitoringInfo {
  view: Array<{ label: string; description: string; children: string[] }>;
  statusBar: string | undefined;
  problems: Array<{ file: string; line: number; message: string }>;
  lastNotification: string | undefined;
  dashboards: Array<{ model: string; version: string; ready: boolean }>;
}

/** What the root object lends the test API. */
export interface TestApiSource {
  activateMs(): number;
  activatedAt(): number;
  trialbookDir: string | undefined;
  parts: WorkspaceParts | undefined;
  commandErrors(): readonly CommandError[];
  recentLog: RecentLines;
  registries: RegistryCommands;
  sync?: SyncController | undefined;
  remote?: RemoteController | undefined;
}

export function createTestApi(source: TestApiSource): TrialbookApi {
  const { parts } = source;
  return {
    timings: () => ({
      activateMs: source.activateMs(), activatedAt: source.activatedAt(),
      ...(parts?.host.openMs !== undefined ? { indexOpenMs: parts.host.openMs } : {}),
      ...(parts?.tree.listedAt !== undefined ? { listedAt: parts.tree.listedAt } : {}),
      ...(parts?.tree.shownAt !== undefined ? { shownAt: parts.tree.shownAt } : {}),
      ...(parts?.host.indexedAt !== undefined ? { indexedAt: parts.host.indexedAt } : {}),
      ...(parts?.host.openAskedAt !== undefined ? { openAskedAt: parts.host.openAskedAt } : {}),
    }),
    trialbookDir: () => source.trialbookDir,
    refresh: async () => {
      await parts?.host.refresh();
    },
    runsTree: async () => (parts ? parts.tree.snapshot() : []),
    runsTreeClock: {
      advance: (ms) => parts?.tree.advanceClock(ms),
      queries: () => parts?.tree.queries ?? 0,
    },
    selectRun: async (runId) => {
      const node = await parts?.tree.runNode(runId);
      if (!parts || !node) return [];
      await parts.treeView.reveal(node, { select: true, focus: true });
      return parts.treeView.selection.flatMap((n) => (n.kind === 'run' ? [n.run.id] : []));
    },
    comparePanels: () => parts?.panels.compareInfos() ?? [],
    holdReadyMessages,
    keptCompareLayout: () => parts?.panels.keptCompareLayout() ?? {},
    webviewPanels: () => parts?.panels.infos() ?? [],
    detailsPanels: () => parts?.panels.detailsInfos() ?? [],
    postFromWebview: async (panelId, message) => (await parts?.panels.receiveFromWebview(panelId, message)) ?? false,
    commandErrors: () => [...source.commandErrors()],
    logLines: () => source.recentLog.all(),
    runDetail: async (runId) => (await parts?.host.get())?.getRun(runId),
    cellStatusItems: async (notebookPath) => {
      if (!parts) return [];
      const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(notebookPath));
      const out: string[][] = [];
      for (const cell of notebook.getCells()) out.push((await parts.cellStatus.provideCellStatusBarItems(cell)).map((i) => i.text));
      return out;
    },
    cellStatusCommands: async (notebookPath) => {
      if (!parts) return [];
      const notebook = await vscode.workspace.openNotebookDocument(vscode.Uri.file(notebookPath));
      const out: Array<Array<{ text: string; command?: string; args: unknown[] }>> = [];
      for (const cell of notebook.getCells()) {
        out.push((await parts.cellStatus.provideCellStatusBarItems(cell)).map((i) => {
          const command = typeof i.command === 'string' ? { command: i.command, arguments: [] } : i.command;
          return { text: i.text, ...(command ? { command: command.command } : {}), args: [...(command?.arguments ?? [])] };
        }));
      }
      return out;
    },
    indexPolling: () => {
      const intervalMs = parts?.host.pollIntervalMs;
      return { ...(intervalMs !== undefined ? { intervalMs } : {}), polls: parts?.host.polls ?? 0 };
    },
    hasRegistryCredentials: (name) => source.registries.hasCredentials(name),
    monitoring: () => {
      const m = parts?.monitoring;
      if (!m) return { view: [], statusBar: undefined, problems: [], lastNotification: undefined, dashboards: [] };
      const label = (item: { label?: string | { label: string } }): string => (typeof item.label === 'string' ? item.label : item.label?.label ?? '');
      const view = m.tree.getChildren().map((node) => {
        const item = m.tree.getTreeItem(node);
        return { label: label(item), description: String(item.description ?? ''), children: m.tree.getChildren(node).map((c) => label(m.tree.getTreeItem(c))) };
      });
      return { view, ...m.alerts.info(), lastNotification: m.alerts.lastNotification, dashboards: m.panels.infos() };
    },
    datasetsTree: async () => (parts ? parts.datasets.snapshot() : []),
    modelsViewRelists: () => parts?.models.relists ?? 0,
    modelsTree: async () => {
      const models = parts?.models;
      if (!models) return [];
      const runs = (await models.getChildren()).filter((n) => n.kind === 'run');
      return Promise.all(runs.map(async (runNode) => ({
        run: runNode.run.name,
        models: await Promise.all((await models.getChildren(runNode)).map(async (modelNode) => ({
          name: modelNode.kind === 'model' ? modelNode.artifact.name : '',
          pushes: (await models.getChildren(modelNode)).map((p) => (p.kind === 'push' ? p.push.reference : '')),
        }))),
      })));
    },
    sourceModels: async () => {
      const models = parts?.models;
      if (!models) return [];
      const out = [];
      for (const node of await models.getChildren()) {
        if (node.kind !== 'sourceModel') continue;
        const item = models.getTreeItem(node);
        const versions = (await models.getChildren(node)).map((v) => {
          const vi = models.getTreeItem(v);
          return { label: String(vi.label ?? ''), description: String(vi.description ?? ''), command: vi.command?.command ?? '', args: vi.command?.arguments ?? [] };
        });
        out.push({ label: String(item.label ?? ''), description: String(item.description ?? ''), tooltip: String(item.tooltip ?? ''), versions });
      }
      return out;
    },
    registeredModels: async () => {
      const models = parts?.models;
      if (!models) return { models: [], problems: [] };
      const root = await models.getChildren();
      const out = [];
      for (const node of root) {
        if (node.kind !== 'registered') continue;
        const versions = [];
        for (const v of node.model.versions) {
          const children = await models.getChildren({ kind: 'version', version: v });
          const gatesNode = children.find((c) => c.kind === 'gates');
          versions.push({
            version: v.version, stage: v.stage, reason: v.latestReason,
            gates: gatesNode?.kind === 'gates' ? gatesNode.results.map((r) => ({ name: r.gate.name, status: r.status, message: r.message })) : [],
            pushes: v.pushes.map((p) => p.reference ?? ''),
            history: v.history.map((h) => `${h.entry.action}: ${h.entry.reason}`),
          });
        }
        out.push({ name: node.model.name, versions });
      }
      return { models: out, problems: root.flatMap((n) => (n.kind === 'logProblem' ? [n.problem.message] : [])) };
    },
    gateTestResults: async () => {
      if (!parts) return [];
      await parts.gateTests.reloadAndRun();
      return [...parts.gateTests.results].map(([id, r]) => ({ id, status: r.status, message: r.message }));
    },
    sync: {
      status: () => source.sync?.status,
      syncNow: async () => { await source.sync?.syncNow(); },
      storeCredentials: async (c) => { await source.sync?.storeCredentials(c); },
    },
    remote: {
      status: () => source.remote?.status ?? [],
      storeCredentials: async (server, c) => { await source.remote?.storeCredentials(server, c); },
      fetchHistories: async (runIds) => (await source.remote?.fetchHistories(runIds)) ?? [],
      artifactErrors: () => [...source.remote?.artifacts.errors ?? []],
      listArtifacts: async (runId, path) => { if (!source.remote) throw new Error('no MLflow servers (no workspace)'); return source.remote.listArtifacts(runId, path); },
      // Sets the Runs view's filter as Filter Runs… does; answers once the servers listed the runs it can match.
      filterRuns: async (expression) => { await parts?.filter.setExpression(expression); return (await source.remote?.matchingDone()) ?? []; },
    },
    gateDiagnostics: () => {
      if (!parts) return [];
      return (parts.gateDiagnostics.collection.get(vscode.Uri.file(parts.lifecycle.gatesPath)) ?? []).map((d) => ({ message: d.message, at: `${d.range.start.line + 1}:${d.range.start.character + 1}` }));
    },
    analysisPanels: () => parts?.analysis.infos() ?? [],
    postToAnalysis: async (index, message) => (await parts?.analysis.receive(index, message)) ?? false,
    runsFilter: () => parts?.filter.expression ?? '',
  };
}
