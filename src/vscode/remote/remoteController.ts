// MLflow tracking servers in the editor (`trialbook.remoteServers`): each server's experiments and runs listed into
// the Runs view beside the local ones (read only, tagged `mlflow-server=<host>`, cached under .trialbook so they list
// offline), listed again every few minutes and on Reload Runs from MLflow Servers; metric histories fetched when a remote run
// is compared or opened; the server's registered models in the Models view. Logins live in SecretStorage (the
// registries' store, one per server) and are sent only to that server: requests never follow redirects.
import * as vscode from 'vscode';
import { askMlflowLogin } from '../mlflowLogin';
import type { Credentials } from '../../core/registry/types';
import type { Logger } from '../../core/model';
import { listRemoteArtifacts, type ArtifactFolder } from '../../core/remote/remoteArtifacts';
import { RemoteBrowser, type BrowseStatus } from '../../core/remote/remoteBrowser';
import { remoteRegisteredModels } from '../../core/remote/remoteModels';
import { toServerFilter } from '../../core/remote/remoteFilter';
import { parseServerAddress } from '../../core/remote/remoteTarget';
import type { SourceRegisteredModel } from '../../core/sources/sourceRegistry';
import { SyncApi } from '../../core/sync/syncApi';
import { errorMessage } from '../../shared/errorMessage';
import { formatAge, formatCount } from '../../shared/format';
import { inertText } from '../../shared/untrustedText';
import { RegistrySecrets, type RegistryConfig } from '../registrySettings';
import type { WorkspaceParts } from '../workspaceParts';
import { RemoteArtifactsUi, type RemoteRunAccess } from './remoteArtifactsUi';

export const RemoteCommand = {
  add: 'trialbook.addMlflowServer',
  refresh: 'trialbook.refreshRemoteRuns',
  setCredentials: 'trialbook.setMlflowServerCredentials',
} as const;

const SETTING = 'remoteServers';
/** Servers are listed again this often (new runs and changed ones; unchanged runs cost nothing to write). */
const RELIST_MS = 5 * 60_000;
const CREDENTIALS_HINT = 'Run "Trialbook: Set MLflow Server Credentials…" with a login this server accepts.';

const plural = (n: number, what: string): string => `${formatCount(n)} ${what}${n === 1 ? '' : 's'}`;

function secretsConfig(server: string): RegistryConfig {
  return { name: 'browse', kind: 'mlflow', trackingUri: server, modelName: '' };
}

interface Server {
  browser: RemoteBrowser;
  models: SourceRegisteredModel[];
  listing?: Promise<BrowseStatus>;
  /** A listing of the runs the Runs view's filter can match (runs/search with its translation), under way. */
  matching?: Promise<BrowseStatus>;
  /** Errors already notified (each once, until the server lists again). */
  told?: string;
}

export class RemoteController implements vscode.Disposable {
  private readonly secrets: RegistrySecrets;
  private readonly item = vscode.window.createStatusBarItem('trialbook.remote', vscode.StatusBarAlignment.Left, 48);
  private readonly disposables: vscode.Disposable[] = [this.item];
  private servers = new Map<string, Server>();
  private timer: ReturnType<typeof setInterval> | undefined;
  private problems: string[] = [];
  /** Browse Remote Artifacts… and Download Remote Artifact…. */
  readonly artifacts: RemoteArtifactsUi;

  constructor(secretStorage: vscode.SecretStorage, private readonly trialbookDir: string, private readonly parts: WorkspaceParts, private readonly log: Logger) {
    this.secrets = new RegistrySecrets(secretStorage);
    this.artifacts = new RemoteArtifactsUi((runId) => this.access(runId), trialbookDir);
    this.item.name = 'Trialbook: MLflow servers';
    this.item.command = RemoteCommand.refresh;
    const localModels = parts.models.sourceModels;
    parts.models.sourceModels = async () => [...(await localModels?.()) ?? [], ...[...this.servers.values()].flatMap((s) => s.models)];
    parts.panels.onShowRuns = (runIds) => { void this.fetchHistories(runIds); };
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(`trialbook.${SETTING}`)) this.reload(); }),
      // A new filter lists the server's runs that can match it first (the full listing caches the rest).
      parts.filter.onDidChange(() => { void this.listMatching(); }),
      vscode.commands.registerCommand(RemoteCommand.add, (address?: unknown) => this.addServer(typeof address === 'string' ? address : undefined)),
      vscode.commands.registerCommand(RemoteCommand.refresh, () => this.refreshAll()),
      vscode.commands.registerCommand(RemoteCommand.setCredentials, (address?: unknown) => this.askCredentials(typeof address === 'string' ? address : undefined)),
      this.artifacts,
    );
    this.reload();
  }

  /** Each server's status: listing, runs cached and when, or what went wrong. */
  get status(): BrowseStatus[] {
    return [...this.servers.values()].map((s) => s.browser.status);
  }

  private configured(): string[] {
    const raw = vscode.workspace.getConfiguration('trialbook').get<unknown>(SETTING);
    const out: string[] = [];
    const problems: string[] = [];
    if (raw !== undefined && !Array.isArray(raw)) problems.push('trialbook.remoteServers must be a list of server addresses, e.g. ["https://mlflow.example.com"]');
    for (const [i, entry] of (Array.isArray(raw) ? raw : []).entries()) {
      try {
        if (typeof entry !== 'string') throw new Error('is not an address (a string such as "https://mlflow.example.com")');
        const server = parseServerAddress(entry);
        if (!out.includes(server)) out.push(server);
      } catch (err) {
        problems.push(`trialbook.remoteServers[${i}]: ${errorMessage(err)}`);
      }
    }
    for (const p of problems) if (!this.problems.includes(p)) this.log.warn(`Trialbook: ${p}; the entry is skipped.`);
    this.problems = problems;
    return out;
  }

  private reload(): void {
    const wanted = this.configured();
    const next = new Map<string, Server>();
    for (const server of wanted) {
      const old = this.servers.get(server);
      next.set(server, old ?? { browser: this.browserFor(server), models: [] });
    }
    for (const [server, s] of this.servers) if (!next.has(server)) s.browser.close();
    this.servers = next;
    if (next.size > 0) this.timer ??= setInterval(() => { void this.refreshAll(); }, RELIST_MS);
    else if (this.timer) { clearInterval(this.timer); this.timer = undefined; }
    this.show();
    for (const [server, s] of next) if (!s.listing && s.browser.status.listedAt === undefined) void this.refresh(server);
    // Cached servers list again too, but after the editor has settled: the cache shows meanwhile.
    for (const [server, s] of next) if (s.browser.status.listedAt !== undefined) setTimeout(() => { void this.refresh(server); }, 2000);
  }

  private browserFor(server: string): RemoteBrowser {
    return new RemoteBrowser(server, (method, endpoint, payload) => this.call(server, method, endpoint, payload), this.trialbookDir, this.log, CREDENTIALS_HINT,
      async (method, endpoint, payload) => (await this.api(server)).callText(method, endpoint, payload));
  }

  async refreshAll(): Promise<BrowseStatus[]> {
    return Promise.all([...this.servers.keys()].map((s) => this.refresh(s)));
  }

  /** Lists one server again (the listing under way, if one is); each page shows in the Runs view as it arrives. */
  refresh(server: string): Promise<BrowseStatus> {
    const s = this.servers.get(server);
    if (!s) return Promise.reject(new Error(`${server} is not in trialbook.remoteServers`));
    s.listing ??= this.list(s).finally(() => { s.listing = undefined; this.show(); });
    this.show();
    return s.listing;
  }

  private onPage = (page: { changed: string[] }): void => {
    if (page.changed.length > 0) { if (this.parts.host.peek()) this.parts.host.scheduleSync(0); else void this.parts.host.get(); }
    this.show();
  };

  /**
   * Lists, on every server, the runs the Runs view's filter can match (when some of it translates to runs/search),
   * after any listing under way. Answers each server's status; failures are the full listing's to tell.
   */
  async listMatching(): Promise<BrowseStatus[]> {
    const filter = this.parts.filter.query().filter;
    const translated = toServerFilter(filter);
    if (!filter || (translated.filter === '' && !translated.experiment)) return [];
    return Promise.all([...this.servers.values()].map((s) => {
      const previous = s.matching ?? s.listing ?? Promise.resolve(undefined);
      const next = previous.catch(() => undefined).then(() => s.browser.refresh({ filter, onPage: this.onPage }));
      s.matching = next;
      void next.finally(() => { if (s.matching === next) s.matching = undefined; this.show(); });
      return next;
    }));
  }

  /** The filtered listings under way, once done. */
  async matchingDone(): Promise<BrowseStatus[]> {
    const all = await Promise.all([...this.servers.values()].map((s) => s.matching));
    return all.filter((x): x is BrowseStatus => x !== undefined);
  }

  private async list(s: Server): Promise<BrowseStatus> {
    const status = await s.browser.refresh({ onPage: this.onPage });
    if (status.state === 'error') {
      this.log.warn(`Trialbook: ${status.error ?? ''}`);
      if (s.told !== status.error) {
        s.told = status.error;
        void this.notify(s.browser.server, status.error ?? '');
      }
      return status;
    }
    delete s.told;
    try {
      s.models = await remoteRegisteredModels(s.browser.server, (m, e, p) => this.call(s.browser.server, m, e, p));
      this.parts.models.refresh();
    } catch (err) {
      this.log.warn(`Trialbook: registered models of ${s.browser.server} not listed: ${errorMessage(err)}`);
    }
    return status;
  }

  private async call<T>(server: string, method: 'GET' | 'POST', endpoint: string, payload?: Record<string, unknown>): Promise<T> {
    return (await this.api(server)).call<T>(method, endpoint, payload);
  }

  private async api(server: string): Promise<SyncApi> {
    const credentials: Credentials = (await this.secrets.get(secretsConfig(server))) ?? { kind: 'anonymous' };
    // The editor gives up sooner than a sync: the next listing (or Refresh) tries again.
    return new SyncApi(server, { credentials, retry: { budgetMs: 15_000, timeoutMs: 30_000 } });
  }

  /**
   * A mirrored remote run's server and MLflow run id, with calls carrying that server's login (sent to it only);
   * undefined when the run is not one of a server in trialbook.remoteServers.
   */
  async access(runId: string): Promise<RemoteRunAccess | undefined> {
    for (const s of this.servers.values()) {
      const sourceId = s.browser.sourceIdOf(runId);
      if (sourceId === undefined) continue;
      const server = s.browser.server;
      const credentials: Credentials = (await this.secrets.get(secretsConfig(server))) ?? { kind: 'anonymous' };
      const api = new SyncApi(server, { credentials, retry: { budgetMs: 15_000, timeoutMs: 30_000 } });
      return { server, sourceId, call: (m, e, p) => api.call(m, e, p), getArtifact: (path, max) => api.getArtifact(path, max) };
    }
    return undefined;
  }

  /** One folder of a remote run's artifacts (for tests and callers without a quick pick). */
  async listArtifacts(runId: string, path = ''): Promise<ArtifactFolder> {
    const access = await this.access(runId);
    if (!access) throw new Error(`${runId} is not a run listed from an MLflow server`);
    return listRemoteArtifacts(access.call, access.sourceId, path);
  }

  private async notify(server: string, error: string): Promise<void> {
    const login = /HTTP 401|HTTP 403/.test(error);
    const choice = await vscode.window.showWarningMessage(`Trialbook: ${inertText(error)}`, ...(login ? ['Set Credentials…'] : []), 'Retry');
    if (choice === 'Retry') await this.refresh(server);
    else if (choice === 'Set Credentials…') await this.askCredentials(server);
  }

  /**
   * Metric histories of the remote runs among these (compared or opened), fetched into their logs; the index sync
   * that follows updates the panels that show them. Failures are logged and shown once, never thrown.
   */
  async fetchHistories(runIds: readonly string[]): Promise<string[]> {
    const remote = runIds.filter((id) => id.startsWith('mlflowsrv-'));
    if (remote.length === 0) return [];
    const changed: string[] = [];
    for (const s of this.servers.values()) {
      try {
        changed.push(...await s.browser.fetchHistories(remote));
      } catch (err) {
        const message = `metric histories not fetched: ${errorMessage(err)}`;
        this.log.warn(`Trialbook: ${message}`);
        void vscode.window.showWarningMessage(`Trialbook: ${inertText(message)}`);
      }
    }
    if (changed.length > 0) { if (this.parts.host.peek()) this.parts.host.scheduleSync(0); else void this.parts.host.get(); }
    return changed;
  }

  /** Add MLflow Server…: asks for the address (unless given), lists it, and asks for a login when the server wants one. */
  async addServer(address?: string): Promise<BrowseStatus | undefined> {
    const text = address ?? await vscode.window.showInputBox({
      title: 'Add MLflow Server', prompt: 'The tracking server\'s address; its runs show in the Runs view (read only)', placeHolder: 'https://mlflow.example.com',
      ignoreFocusOut: true, validateInput: (v) => { try { parseServerAddress(v); return undefined; } catch (err) { return errorMessage(err); } },
    });
    if (!text) return undefined;
    const server = parseServerAddress(text);
    const config = vscode.workspace.getConfiguration('trialbook');
    const current = config.get<unknown[]>(SETTING) ?? [];
    const list = Array.isArray(current) ? current : [];
    if (!list.some((e) => { try { return typeof e === 'string' && parseServerAddress(e) === server; } catch { return false; } })) {
      await config.update(SETTING, [...list, server], vscode.ConfigurationTarget.Workspace);
    }
    this.reload();
    const status = await this.refresh(server);
    if (status.state === 'idle') void vscode.window.showInformationMessage(`Trialbook: ${plural(status.runs, 'run')} of ${plural(status.experiments, 'experiment')} listed from ${inertText(server)} (read only).`);
    return status;
  }

  /** Set MLflow Server Credentials…: a login (username and password, or a token) for one server, then a listing. */
  async askCredentials(address?: string): Promise<void> {
    const servers = [...this.servers.keys()];
    const server = address !== undefined ? parseServerAddress(address)
      : servers.length === 1 ? servers[0] : (await vscode.window.showQuickPick(servers.map((s) => ({ label: inertText(s), server: s })), { title: 'Login for which MLflow server?' }))?.server;
    if (!server) {
      if (servers.length === 0) void vscode.window.showInformationMessage('Trialbook: add an MLflow server first ("Trialbook: Add MLflow Server…").');
      return;
    }
    const credentials = await askMlflowLogin(server);
    if (!credentials) return;
    await this.storeCredentials(server, credentials);
    if (this.servers.has(server)) await this.refresh(server);
  }

  /** Stores a login for a server (SecretStorage; sent to that server only). */
  async storeCredentials(server: string, credentials: Credentials): Promise<void> {
    await this.secrets.store(secretsConfig(parseServerAddress(server)), credentials);
  }

  /** The status bar item: listing progress, cached runs and their age, or an error (click: list again). */
  private show(): void {
    const all = [...this.servers.values()].map((s) => s.browser.status);
    if (all.length === 0) { this.item.hide(); return; }
    const listing = all.filter((s) => s.state === 'listing');
    const failed = all.filter((s) => s.state === 'error');
    const runs = all.reduce((n, s) => n + (s.state === 'listing' ? Math.max(s.listed, s.runs) : s.runs), 0);
    this.item.text = listing.length > 0 ? `$(sync~spin) ${plural(runs, 'remote run')}…` : failed.length > 0 ? `$(warning) ${plural(runs, 'remote run')} (cached)` : `$(cloud) ${plural(runs, 'remote run')}`;
    const lines = all.map((s) => {
      const age = s.listedAt !== undefined ? `listed ${formatAge(s.listedAt, Date.now())}` : 'never listed';
      const what = s.state === 'listing' ? `listing… ${formatCount(s.listed)} runs so far` : `${formatCount(s.runs)} runs of ${s.experiments} experiments, ${age}`;
      return `${s.server}: ${what}${s.error ? `\n  ${s.error}` : ''}`;
    });
    lines.push(`Cached in ${this.trialbookDir} (runs/mlflowsrv-*, remote/); read only. Click to list again.`);
    // Server messages are untrusted: no links or icons from them.
    this.item.tooltip = inertText(lines.join('\n'));
    this.item.backgroundColor = failed.length > 0 ? new vscode.ThemeColor('statusBarItem.warningBackground') : undefined;
    this.item.show();
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.parts.panels.onShowRuns = undefined;
    for (const s of this.servers.values()) s.browser.close();
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
