// Team sync in the editor: follows `trialbook.sync` (server, experiment prefix, on/off), syncs the workspace's runs
// to the MLflow server every few seconds while it is on (so a live run's points are there within seconds), keeps
// the login in SecretStorage (the registries' store: one login per server, shared with model pushes to it), and
// shows where it stands in a status bar item and on the Runs view's badge: synced / pending N / error + retry.
// Once the index is open, a pass follows its change reports (SyncFeed): it looks at the runs that changed, not at
// every run folder, so a live run's pass costs the same beside ten runs or ten thousand.
import * as vscode from 'vscode';
import { askMlflowLogin } from '../mlflowLogin';
import type { Credentials } from '../../core/registry/types';
import type { Logger } from '../../core/model';
import { RegistryError } from '../../core/registry/errors';
import { parseSyncTarget, type SyncTarget } from '../../core/sync/syncTarget';
import { SyncFeed } from '../../core/sync/syncFeed';
import { memoOfTarget, pendingPoints, syncWorkspace } from '../../core/sync/workspaceSync';
import { errorMessage } from '../../shared/errorMessage';
import { formatCount } from '../../shared/format';
import { inertText } from '../../shared/untrustedText';
import { RegistrySecrets, type RegistryConfig } from '../registrySettings';

/** Milliseconds between syncs while sync is on: a pass with nothing new reported costs no file access and no request. */
const PASS_MS = 2000;
export const SyncCommand = { syncNow: 'trialbook.syncNow', setCredentials: 'trialbook.setSyncCredentials' } as const;

export type SyncState =
  | { kind: 'off' }
  | { kind: 'synced'; points: number; at: number }
  | { kind: 'pending'; points: number; runs: number }
  | { kind: 'error'; reason: string; auth: boolean };

export interface SyncStatus { state: SyncState; text: string; tooltip: string; badge: number; syncs: number }

interface SyncSetting { target: SyncTarget; enabled: boolean; artifactMaxBytes: number }

function readSetting(): SyncSetting | { problem: string } | undefined {
  const raw = vscode.workspace.getConfiguration('trialbook').get<unknown>('sync');
  if (typeof raw !== 'object' || raw === null) return undefined;
  const o = raw as Record<string, unknown>;
  const server = o['server'];
  if (typeof server !== 'string' || server.trim() === '') return undefined;
  const prefix = typeof o['experimentPrefix'] === 'string' ? o['experimentPrefix'] : '';
  try {
    const limit = o['artifactMaxBytes'];
    // A number of bytes (0 or absent: artifacts are not sent); anything else is a setting problem, said as such.
    if (limit !== undefined && (typeof limit !== 'number' || !Number.isSafeInteger(limit) || limit < 0)) {
      return { problem: 'trialbook.sync.artifactMaxBytes: a whole number of bytes, 0 or more (0: artifacts are not sent)' };
    }
    return { target: parseSyncTarget(server, prefix), enabled: o['enabled'] !== false, artifactMaxBytes: limit ?? 0 };
  } catch (err) {
    return { problem: `trialbook.sync.server: ${errorMessage(err)}` };
  }
}

function secretsConfig(target: SyncTarget): RegistryConfig {
  return { name: 'sync', kind: 'mlflow', trackingUri: target.trackingUri, modelName: '' };
}

/** What reports which runs changed: the index host (its reports count once its index is open). */
export interface RunChanges {
  readonly onDidChange: vscode.Event<{ readonly changed: readonly string[] }>;
  peek(): unknown;
}

export class SyncController implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('trialbook.sync', vscode.StatusBarAlignment.Left, 49);
  private readonly secrets: RegistrySecrets;
  private readonly disposables: vscode.Disposable[] = [this.item];
  private timer: ReturnType<typeof setInterval> | undefined;
  private setting: SyncSetting | undefined;
  private running: Promise<void> | undefined;
  private runningFor: SyncSetting | undefined;
  private abort: AbortController | undefined;
  /** After an auth error, passes wait for new credentials or a retry: a rejected login is not sent every 2 s. */
  private paused = false;
  private current: SyncStatus = { state: { kind: 'off' }, text: '', tooltip: '', badge: 0, syncs: 0 };
  private readonly feed = new SyncFeed();
  /** The index was open at the last pass: its reports are followed (from a pass after it opened that listed every run). */
  private following = false;

  constructor(secretStorage: vscode.SecretStorage, private readonly trialbookDir: string, private readonly treeView: vscode.TreeView<unknown>, private readonly log: Logger,
    private readonly changes: RunChanges) {
    this.secrets = new RegistrySecrets(secretStorage);
    this.item.name = 'Trialbook: team sync';
    this.item.command = SyncCommand.syncNow;
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration('trialbook.sync')) this.reload(); }),
      vscode.commands.registerCommand(SyncCommand.syncNow, () => { this.paused = false; return this.syncNow(); }),
      vscode.commands.registerCommand(SyncCommand.setCredentials, () => this.askCredentials()),
      changes.onDidChange((report) => this.feed.note(report.changed)),
    );
    this.reload();
  }

  get status(): SyncStatus {
    return this.current;
  }

  private reload(): void {
    const s = readSetting();
    this.abort?.abort();
    this.paused = false;
    this.feed.relist();
    if (s === undefined || 'problem' in s || !s.enabled) {
      this.setting = undefined;
      if (this.timer) { clearInterval(this.timer); this.timer = undefined; }
      if (s && 'problem' in s) { this.log.warn(`Trialbook: ${s.problem}`); this.show({ kind: 'error', reason: s.problem, auth: false }); }
      else this.show({ kind: 'off' });
      return;
    }
    this.setting = s;
    this.timer ??= setInterval(() => { if (!this.paused) void this.syncNow(); }, PASS_MS);
    void this.syncNow();
  }

  /** One sync now (or the one under way); the status follows. */
  syncNow(): Promise<void> {
    const setting = this.setting;
    // A pass for a setting since replaced was aborted by reload(): the new setting's pass follows it at once.
    if (this.running) return this.runningFor === setting ? this.running : this.running.then(() => this.syncNow());
    if (!setting) return Promise.resolve();
    this.runningFor = setting;
    this.running = this.pass(setting).finally(() => { this.running = undefined; });
    return this.running;
  }

  private async pass(setting: SyncSetting): Promise<void> {
    // Set before the first await, so that a setting changed while the credentials are read aborts this pass.
    const abort = this.abort = new AbortController();
    const credentials: Credentials = (await this.secrets.get(secretsConfig(setting.target))) ?? { kind: 'anonymous' };
    if (abort.signal.aborted) return;
    const runIds = this.runsToLook(setting);
    try {
      // A pass over every run may take long (a first sync): say what is pending first. A pass over the runs that
      // changed takes milliseconds, and the count after it says the same.
      if (!runIds) {
        const before = await pendingPoints(this.trialbookDir, setting.target);
        if (before.points > 0 && !abort.signal.aborted) this.show({ kind: 'pending', points: before.points, runs: before.runs });
      }
      const report = await syncWorkspace({
        trialbookDir: this.trialbookDir, target: setting.target, credentials, signal: abort.signal, ...(runIds ? { runIds } : {}),
        artifactMaxBytes: setting.artifactMaxBytes,
        // In the editor a pass gives up sooner: the next pass (2 s later) resumes anyway.
        retry: { budgetMs: 30_000 },
        onWarning: (m) => this.log.warn(`Trialbook sync: ${m}`),
      });
      this.current.syncs++;
      this.feed.after(report);
      if (abort.signal.aborted) return; // the setting changed: what this pass found is about the old one
      if (report.stopped) {
        if (report.stopped.code === 'cancelled') return;
        const auth = report.stopped.code === 'auth' || report.stopped.code === 'denied';
        if (auth) this.paused = true;
        this.show({ kind: 'error', reason: report.stopped.message, auth });
        return;
      }
      if (report.problems.length > 0) {
        const first = report.problems[0];
        this.show({ kind: 'error', reason: `${report.problems.length} run(s) refused; first: ${first?.runId ?? ''}: ${first?.message ?? ''}`, auth: false });
        return;
      }
      const left = await pendingPoints(this.trialbookDir, setting.target, runIds);
      if (abort.signal.aborted) return;
      if (left.points > 0) this.show({ kind: 'pending', points: left.points, runs: left.runs });
      else this.show({ kind: 'synced', points: report.points, at: Date.now() });
    } catch (err) {
      this.feed.relist();
      if (abort.signal.aborted) return;
      const reason = err instanceof RegistryError ? err.message : `sync failed: ${errorMessage(err)}`;
      this.show({ kind: 'error', reason, auth: false });
    }
  }

  /**
   * The runs this pass looks at, or undefined for every run: all of them until the index is open (nothing reports
   * changes before), and once more when it has opened (changes before it did were not reported).
   */
  private runsToLook(setting: SyncSetting): string[] | undefined {
    const open = this.changes.peek() !== undefined;
    if (!open || !this.following) this.feed.relist();
    this.following = open;
    return this.feed.take(memoOfTarget(this.trialbookDir, setting.target), Date.now());
  }

  private show(state: SyncState): void {
    const server = this.setting?.target.trackingUri ?? '';
    let text = '';
    let tooltip = '';
    let badge = 0;
    switch (state.kind) {
      case 'off': break;
      case 'synced': text = '$(cloud) Synced'; tooltip = `Trialbook: every run is on ${server}`; break;
      case 'pending': text = `$(cloud-upload) ${formatCount(state.points)} pending`; tooltip = `Trialbook: ${formatCount(state.points)} points of ${state.runs} run(s) not on ${server} yet`; badge = state.points; break;
      case 'error': text = '$(error) Sync error'; tooltip = `Trialbook sync: ${state.reason}\nClick to retry${state.auth ? ', or run "Trialbook: Set Sync Credentials"' : ''}.`; badge = 1; break;
    }
    this.current = { ...this.current, state, text, tooltip, badge };
    if (state.kind === 'off') { this.item.hide(); this.treeView.badge = undefined; return; }
    // Server messages and run ids are untrusted: no links, no icons from them.
    this.item.text = text;
    this.item.tooltip = inertText(tooltip);
    this.item.backgroundColor = state.kind === 'error' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.show();
    this.treeView.badge = badge > 0 ? { value: badge, tooltip: inertText(state.kind === 'error' ? 'Team sync error' : tooltip) } : undefined;
  }

  private async askCredentials(): Promise<void> {
    const setting = this.setting ?? (() => { const s = readSetting(); return s && !('problem' in s) ? s : undefined; })();
    if (!setting) { void vscode.window.showInformationMessage('Trialbook: set trialbook.sync.server (e.g. mlflow+https://mlflow.example.com/) first.'); return; }
    const credentials = await askMlflowLogin(setting.target.trackingUri);
    if (!credentials) return;
    await this.secrets.store(secretsConfig(setting.target), credentials);
    this.paused = false;
    await this.syncNow();
  }

  /** For tests: store credentials as the command would. */
  async storeCredentials(credentials: Credentials): Promise<void> {
    if (this.setting) await this.secrets.store(secretsConfig(this.setting.target), credentials);
    this.paused = false;
  }

  dispose(): void {
    this.abort?.abort();
    if (this.timer) clearInterval(this.timer);
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
