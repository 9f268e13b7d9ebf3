// What `activate` returns: a small read-only surface that the integration tests (inside a real VS Code)
// use to see what the views and panels hold, without scraping the DOM.
import type { RunDetail, RunStatus } from '../core/model';

export interface RunsTreeRunItem {
  id: string;
  label: string;
  description: string;
  status: RunStatus;
}

export interface RunsTreeExperimentItem {
  experiment: string;
  runs: RunsTreeRunItem[];
}

export interface ComparePanelInfo {
  runIds: string[];
  metrics: string[];
  /** True once the webview sent its ready message and received data. */
  ready: boolean;
  /** Points per line in the last series message sent to the webview, by `${runId}/${metric}`. */
  pointsSent: Record<string, number>;
  /** Incremental updates sent while compared runs were live. */
  updatesSent: number;
}

/** An open webview panel: a comparison, the runs table or a run's details. */
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
  /** Opening the index (sql.js, the database file, the first sync), done lazily off the activation path. */
  indexOpenMs?: number;
}

export interface TrialbookApi {
  timings(): TrialbookTimings;
  /** The `.trialbook` folder the extension watches, if a workspace is open. */
  trialbookDir(): string | undefined;
  /** Ingest changes now and resolve when the views reflect them. */
  refresh(): Promise<void>;
  /** The Runs tree as a user would see it, fully expanded. */
  runsTree(): Promise<RunsTreeExperimentItem[]>;
  comparePanels(): ComparePanelInfo[];
  webviewPanels(): WebviewPanelInfo[];
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
  /** Whether SecretStorage holds credentials for a registry. */
  hasRegistryCredentials(name: string): Promise<boolean>;
  /** The Models view: run name → model names → push references. */
  modelsTree(): Promise<Array<{ run: string; models: Array<{ name: string; pushes: string[] }> }>>;
}
