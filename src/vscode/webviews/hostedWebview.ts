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

function isAssetsFailed(message: unknown): message is { type: string; asset?: unknown } {
  return typeof message === 'object' && message !== null && (message as { type?: unknown }).type === assetsFailedType;
}

/** A panel's page: its view type (the serializer's key), the bundle under dist/webview, its CSS under media/. */
export interface PageSpec {
  viewType: string;
  title: string;
  script: string;
  styles: string[];
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
      // Hidden pages are torn down (no retainContextWhenHidden); shown again, the page starts over and says ready.
      panel.onDidChangeViewState((e) => { if (!e.webviewPanel.visible) this.host.pageGone(); }),
      panel.onDidDispose(() => this.dispose()),
    );
  }

  /** Delivers `message` exactly as the page's postMessage would (the integration tests' malformed messages). */
  receive(message: unknown): Promise<void> {
    if (isAssetsFailed(message)) {
      this.reloadPage(String(message.asset));
      return Promise.resolve();
    }
    return this.host.receive(message);
  }

  /** A new page shell (a new nonce: VS Code loads it anew even when nothing else changed). */
  private load(): void {
    const { extensionUri, page } = this.options;
    this.panel.webview.html = webviewHtml(this.panel.webview, extensionUri, page.script, page.styles, page.title);
  }

  /** The page's own files failed to load (see assetsFailedType): it never started, so it is loaded again. */
  private reloadPage(asset: string): void {
    if (this.disposed || this.reloadTimer !== undefined) return;
    const { log, page } = this.options;
    if (this.reloads >= MAX_RELOADS) {
      log.error(`${page.title} panel: its page failed to load ${inertText(asset)} ${MAX_RELOADS + 1} times; close the panel and open it again.`);
      return;
    }
    this.reloads++;
    log.warn(`${page.title} panel: its page failed to load ${inertText(asset)}; loading it again (${this.reloads} of ${MAX_RELOADS}).`);
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
    this.host.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    this.options.onDispose();
    // Closing from the extension side (disposeAll); a no-op when the user closed it.
    this.panel.dispose();
  }
}
