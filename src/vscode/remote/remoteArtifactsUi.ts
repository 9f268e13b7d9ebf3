// A remote run's artifacts in the editor: Browse Remote Artifacts… (the context menu of a run listed from an MLflow
// server) walks the run's artifact folders in a quick pick and opens or downloads a file. Files come through the
// server's artifact proxy with that server's login only (RemoteController.access, SyncApi.getArtifact: no
// redirects); a file opened is kept under .trialbook/remote/artifacts/<run>/ and opened from there. Artifact names
// come from the server: labels go through inertText, paths are checked before any request or file write.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import * as vscode from 'vscode';
import { artifactCacheFile, checkArtifactPath, fetchRemoteArtifact, listRemoteArtifacts, type RemoteArtifact } from '../../core/remote/remoteArtifacts';
import type { MlflowCall } from '../../core/remote/serverReader';
import { errorMessage } from '../../shared/errorMessage';
import { formatBytes } from '../../shared/format';
import { inertText } from '../../shared/untrustedText';
import { runRefArg, stringArg, uriArg, type ArgumentSlot } from '../commands/commandArgs';

export const RemoteArtifactsCommand = {
  browse: 'trialbook.browseRemoteArtifacts',
  download: 'trialbook.downloadRemoteArtifact',
} as const;

/** The largest artifact fetched into the editor (held in memory once while it is written). */
export const MAX_ARTIFACT_BYTES = 100 * 1024 * 1024;

/** A mirrored remote run's server, its MLflow run id, and calls carrying that server's login (to it only). */
export interface RemoteRunAccess {
  server: string;
  sourceId: string;
  call: MlflowCall;
  getArtifact(proxyPath: string, maxBytes: number): Promise<Buffer>;
}

interface ArtifactPick extends vscode.QuickPickItem { entry?: RemoteArtifact; up?: true }

const baseName = (p: string): string => p.slice(p.lastIndexOf('/') + 1);
const parentOf = (p: string): string => (p.includes('/') ? p.slice(0, p.lastIndexOf('/')) : '');

function runIdArg(value: unknown, slot: ArgumentSlot): string | undefined {
  const ref = runRefArg(value, slot);
  if (!ref) return undefined;
  if (ref.kind === 'experiment') throw new Error(`${slot.command}: pick one run (an experiment has no artifacts of its own).`);
  return ref.runId;
}

const isUri = (v: unknown): v is vscode.Uri => v instanceof vscode.Uri;

export class RemoteArtifactsUi implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[];
  /** What the commands reported (for the test API). */
  readonly errors: string[] = [];

  constructor(private readonly access: (runId: string) => Promise<RemoteRunAccess | undefined>, private readonly trialbookDir: string) {
    this.disposables = [
      vscode.commands.registerCommand(RemoteArtifactsCommand.browse, (run?: unknown, path?: unknown) => this.guard(RemoteArtifactsCommand.browse, () => {
        const runId = runIdArg(run, { command: RemoteArtifactsCommand.browse, index: 0 });
        const at = stringArg(path, { command: RemoteArtifactsCommand.browse, index: 1 }, 'an artifact path inside the run (e.g. "model/MLmodel"), or nothing for its top folder');
        return this.browse(runId, at);
      })),
      vscode.commands.registerCommand(RemoteArtifactsCommand.download, (run?: unknown, path?: unknown, to?: unknown) => this.guard(RemoteArtifactsCommand.download, () => {
        const runId = runIdArg(run, { command: RemoteArtifactsCommand.download, index: 0 });
        const at = stringArg(path, { command: RemoteArtifactsCommand.download, index: 1 }, 'an artifact path inside the run (e.g. "model/MLmodel")');
        const dest = uriArg(to, { command: RemoteArtifactsCommand.download, index: 2 }, isUri);
        if (runId === undefined || at === undefined) return this.browse(runId, at);
        return this.download(runId, at, dest);
      })),
    ];
  }

  /** Runs a command; its failure is shown (what happened and what to do), never thrown into VS Code. */
  private async guard<T>(command: string, work: () => Promise<T>): Promise<T | undefined> {
    try {
      return await work();
    } catch (err) {
      const message = errorMessage(err).startsWith(command) ? errorMessage(err) : `remote artifacts: ${errorMessage(err)}`;
      this.errors.push(message);
      void vscode.window.showErrorMessage(`Trialbook: ${inertText(message)}`);
      return undefined;
    }
  }

  private async accessOf(runId: string | undefined): Promise<RemoteRunAccess | undefined> {
    if (runId === undefined) {
      void vscode.window.showInformationMessage('Trialbook: right-click a run listed from an MLflow server in the Runs view and choose "Browse Remote Artifacts…".');
      return undefined;
    }
    const access = await this.access(runId);
    if (!access) throw new Error(`${runId} is not a run listed from an MLflow server in trialbook.remoteServers; only those have remote artifacts.`);
    return access;
  }

  /**
   * Walks the run's artifact folders from `path` (a file path opens that file); answers the file opened, if any.
   */
  async browse(runId: string | undefined, path?: string): Promise<vscode.Uri | undefined> {
    const access = await this.accessOf(runId);
    if (!access || runId === undefined) return undefined;
    let folder = checkArtifactPath(path ?? '');
    if (folder !== '') {
      // A path given: a file opens at once; a folder is where the walk starts.
      const parent = await listRemoteArtifacts(access.call, access.sourceId, parentOf(folder));
      const entry = parent.files.find((f) => f.path === folder);
      if (!entry) throw new Error(`the run has no artifact "${folder}" on ${access.server}.`);
      if (!entry.isDir) return this.open(runId, entry.path, access);
    }
    for (;;) {
      const listing = await listRemoteArtifacts(access.call, access.sourceId, folder);
      const items: ArtifactPick[] = [];
      if (folder !== '') items.push({ label: '..', description: 'up one folder', iconPath: new vscode.ThemeIcon('arrow-up'), up: true });
      for (const entry of listing.files) {
        items.push({
          label: inertText(baseName(entry.path)), entry,
          iconPath: new vscode.ThemeIcon(entry.isDir ? 'folder' : 'file'),
          ...(entry.isDir ? {} : { description: entry.size !== undefined ? formatBytes(entry.size) : '' }),
        });
      }
      const picked = await vscode.window.showQuickPick(items, {
        title: inertText(`Artifacts of ${runId}${folder ? ` / ${folder}` : ''}`),
        placeHolder: listing.files.length === 0 ? 'No artifacts here' : 'A folder to open, or a file to open or download',
      });
      if (!picked) return undefined;
      if (picked.up) { folder = parentOf(folder); continue; }
      const entry = picked.entry;
      if (!entry) return undefined;
      if (entry.isDir) { folder = entry.path; continue; }
      const action = await vscode.window.showQuickPick(['Open', 'Download…'], { title: inertText(entry.path) });
      if (action === 'Open') return this.open(runId, entry.path, access);
      if (action === 'Download…') return this.download(runId, entry.path, undefined, access);
      return undefined;
    }
  }

  /** Fetches one artifact into .trialbook/remote/artifacts/<run>/ and opens it in the editor. */
  async open(runId: string, path: string, known?: RemoteRunAccess): Promise<vscode.Uri | undefined> {
    const access = known ?? await this.accessOf(runId);
    if (!access) return undefined;
    const file = artifactCacheFile(this.trialbookDir, runId, path);
    const fetched = await this.fetch(access, path);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, fetched.bytes);
    const uri = vscode.Uri.file(file);
    await vscode.commands.executeCommand('vscode.open', uri);
    return uri;
  }

  /** Fetches one artifact and saves it where the user says (or `dest`). */
  async download(runId: string, path: string, dest?: vscode.Uri, known?: RemoteRunAccess): Promise<vscode.Uri | undefined> {
    const access = known ?? await this.accessOf(runId);
    if (!access) return undefined;
    const name = baseName(checkArtifactPath(path));
    const target = dest ?? await vscode.window.showSaveDialog({
      title: 'Save Remote Artifact',
      defaultUri: vscode.Uri.joinPath(vscode.workspace.workspaceFolders?.[0]?.uri ?? vscode.Uri.file(this.trialbookDir), name),
    });
    if (!target) return undefined;
    const fetched = await this.fetch(access, path);
    await vscode.workspace.fs.writeFile(target, fetched.bytes);
    void vscode.window.showInformationMessage(`Trialbook: saved ${inertText(name)} (${formatBytes(fetched.bytes.length)}) from ${inertText(access.server)}.`);
    return target;
  }

  private fetch(access: RemoteRunAccess, path: string): Thenable<{ bytes: Buffer }> {
    return vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: inertText(`Trialbook: fetching ${path} from ${access.server}…`) },
      () => fetchRemoteArtifact(access.call, (p, max) => access.getArtifact(p, max), access.server, access.sourceId, path, MAX_ARTIFACT_BYTES));
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
