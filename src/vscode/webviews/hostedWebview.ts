// The editor end of a panel, kept thin: a `vscode.WebviewPanel` (new, or revived after a reload) given its page
// shell and joined to a PanelHost, which does the rest. Each panel builds one of these with its contract and handlers.
import * as vscode from 'vscode';
import type { Logger } from '../../core/model';
import { inertText } from '../../shared/untrustedText';
import type { PanelContract } from '../../shared/webviews/schema';
import { PanelHost, restoreState, type PanelHandlers } from './panelHost';
import { assetsFailedType, webviewHtml, webviewRoots } from './webviewHtml';

/** Times a page whose files failed to load is loaded again before the panel gives up (and says so in the log). */
const MAX_RELOADS = 3;
/** Before loading it again, a second times the attempt: the other webviews' registrations of the worker settle. */
const RELOAD_DELAY_MS = 1_000;
/**
 * A shown page that has not said ready by then is taken as stuck and loaded again. In the browser (code-server),
 * VS Code's webview service worker can leave one of a page's file requests unanswered until its own 30 s timeout,
 * without any error the page could see; a page says ready in 1–3 s even on a loaded machine.
 */
export const PAGE_START_WATCH_MS = 10_000;

function isAssetsFailed(message: unknown): message is { type: string; asset?: unknown } {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === assetsFailedType;
}

/** A panel's page: its view type (the serializer's key), the bundle under dist/webview, its CSS under media/. */
export interface PageSpec {
  viewType: string;
  title: string;
  script: string;
  styles: string[];
  /**
   * The page lives on while its tab is hidden (VS Code's retainContextWhenHidden), for a page that takes long to show
   * again: else VS Code tears it down, and shown again it starts over from its saved state.
   */
  keptWhenHidden?: boolean;
}

export interface HostedWebviewOptions<In extends { type: string }, Out extends { type: string }, State> {
  extensionUri: vscode.Uri;
  log: Logger;
  page: PageSpec;
  contract: PanelContract<In, Out, State>;
  handlers: PanelHandlers<In, State>;
  /** Called once when the panel closes (the user closed it, or the extension disposed it). */
  onDispose(): void;
  /** More folders the page may load files from (the compare panel: the runs folder, for logged images). */
  resourceRoots?: vscode.Uri[];
}

/** A new panel in the active editor column. */
export function createPanel(extensionUri: vscode.Uri, page: PageSpec, column: vscode.ViewColumn = vscode.ViewColumn.Active): vscode.WebviewPanel {
  return vscode.window.createWebviewPanel(page.viewType, page.title, column, {
    enableScripts: true,
    localResourceRoots: webviewRoots(extensionUri),
    retainContextWhenHidden: page.keptWhenHidden === true,
  });
}

/**
 * Brings a page's panels back after a window reload: `revive` gets the state the page saved, when it still fits the
 * contract (else undefined, with a log line; the panel then opens with defaults).
 */
export function registerSerializer<State>(
  page: PageSpec,
  contract: PanelContract<{ type: string }, { type: string }, State>,
  log: Logger,
  revive: (panel: vscode.WebviewPanel, state: State | undefined) => void,
): vscode.Disposable {
  return vscode.window.registerWebviewPanelSerializer(page.viewType, {
    deserializeWebviewPanel: async (panel: vscode.WebviewPanel, saved: unknown) => revive(panel, restoreState(contract.panel, contract.state, saved, log)),
  });
}

export class HostedWebview<In extends { type: string }, Out extends { type: string }, State> implements vscode.Disposable {
  readonly host: PanelHost<In, Out, State>;
  private readonly disposables: vscode.Disposable[] = [];
  private disposed = false;
  private reloads = 0;
  private reloadTimer: ReturnType<typeof setTimeout> | undefined;
  private startWatch: ReturnType<typeof setTimeout> | undefined;

  constructor(readonly panel: vscode.WebviewPanel, private readonly options: HostedWebviewOptions<In, Out, State>) {
    const { extensionUri } = options;
    this.host = new PanelHost({
      contract: options.contract,
      port: panel.webview,
      log: options.log,
      handlers: options.handlers,
      reportError: (message) => { void vscode.window.showErrorMessage(`Trialbook: ${inertText(message)}`); },
    });
    // A revived panel keeps the options it had, but a new version of the extension may need others.
    panel.webview.options = { enableScripts: true, localResourceRoots: [...webviewRoots(extensionUri), ...(options.resourceRoots ?? [])] };
    panel.iconPath = vscode.Uri.joinPath(extensionUri, 'media', 'trialbook.svg');
    this.load();
    this.disposables.push(
      panel.webview.onDidReceiveMessage((message: unknown) => this.receive(message)),
      // A hidden page is torn down unless kept (PageSpec.keptWhenHidden); shown again, it starts over and says ready.
      // A panel revived after a reload has the options it was made with.
      panel.onDidChangeViewState((e) => {
        if (e.webviewPanel.visible) {
          this.watchStart();
        } else if (e.webviewPanel.options.retainContextWhenHidden !== true) {
          this.host.pageGone();
          this.stopWatch();
        }
      }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Delivers `message` exactly as the page's postMessage would (the integration tests' malformed messages). */
  receive(message: unknown): Promise<void> {
    if (isAssetsFailed(message)) {
      this.reloadPage(`its page failed to load ${inertText(String(message.asset))}`);
      return Promise.resolve();
    }
    return this.host.receive(message).then(() => {
      if (!this.host.isReady) return;
      this.stopWatch();
      this.reloads = 0; // the page started: a later stall gets its own attempts
    });
  }

  /** Watches a shown page's start (see PAGE_START_WATCH_MS). */
  private watchStart(): void {
    this.stopWatch();
    if (this.disposed || !this.panel.visible || this.host.isReady) return;
    this.startWatch = setTimeout(() => {
      this.startWatch = undefined;
      if (!this.disposed && this.panel.visible && !this.host.isReady) {
        this.reloadPage(`its page did not start within ${PAGE_START_WATCH_MS / 1000} s`);
      }
    }, PAGE_START_WATCH_MS);
  }

  private stopWatch(): void {
    clearTimeout(this.startWatch);
    this.startWatch = undefined;
  }

  /** A new page shell (a new nonce: VS Code loads it anew even when nothing else changed). */
  private load(): void {
    const { extensionUri, page } = this.options;
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, page.script, page.styles, page.title);
    this.watchStart();
  }

  /**
   * The page never started: its own files failed to load (see assetsFailedType), or it said nothing in
   * PAGE_START_WATCH_MS. It is loaded again, at most MAX_RELOADS times in a row.
   */
  private reloadPage(reason: string): void {
    if (this.disposed || this.reloadTimer !== undefined) return;
    this.stopWatch();
    const { log, page } = this.options;
    if (this.reloads >= MAX_RELOADS) {
      log.error(`${page.title} panel: ${reason}, after ${MAX_RELOADS} loads again; close the panel and open it again.`);
      return;
    }
    this.reloads++;
    log.warn(`${page.title} panel: ${reason}; loading it again (${this.reloads} of ${MAX_RELOADS}).`);
    this.host.pageGone();
    this.reloadTimer = setTimeout(() => {
      this.reloadTimer = undefined;
      if (!this.disposed) this.load();
    }, RELOAD_DELAY_MS * this.reloads);
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    clearTimeout(this.reloadTimer);
    this.stopWatch();
    this.host.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.options.onDispose();
    // Closing from the extension side (disposeAll); a no-op when the user closed it.
    this.panel.dispose();
  }
}
