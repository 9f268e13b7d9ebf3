// Sources in the editor: follows the folders and stores of `trialbook.sources` (a pass every half second, so an
// appended TensorBoard record or MLflow metric line shows within about a second), offers folders found in the
// workspace once (never importing without asking), and lists what could not be read in the Problems panel.
import { relative } from 'node:path';
import * as vscode from 'vscode';
import type { Logger } from '../../core/model';
import { SourceFollower, runsDirOf, type PassReport, type SourceStatus } from '../../core/sources/sourceFollower';
import { deletedImports, forgetDeletedImports } from '../../core/sources/importLedger';
import { describeProblem } from '../../core/sources/sourceMirror';
import { detectSourceKind, findSourceCandidates, parseSourcesSetting, type SourceConfig } from '../../core/sources/sourceKinds';
import { SOURCE_KIND_NAMES } from '../../core/sources/sourceModel';
import type { SourceRegisteredModel } from '../../core/sources/sourceRegistry';
import { errorMessage } from '../../shared/errorMessage';
import { inertText } from '../../shared/untrustedText';
import type { IndexHost } from '../indexHost';

const SETTING = 'sources';
const OFFERED_KEY = 'trialbook.sourcesOffered';
const PASS_MS = 500;
/** The Add Source pick that asks for an MLflow server's address (src/vscode/remote/remoteController.ts). */
const REMOTE_PICK = '\u0000mlflow-server';

export class SourcesController implements vscode.Disposable {
  private readonly follower: SourceFollower;
  private readonly diagnostics = vscode.languages.createDiagnosticCollection('trialbook-sources');
  private readonly disposables: vscode.Disposable[] = [this.diagnostics];
  private timer: ReturnType<typeof setInterval> | undefined;
  private problemCount = -1;
  private lastReport: PassReport | undefined;
  private told = new Set<string>();

  constructor(private readonly host: IndexHost, private readonly trialbookDir: string, private readonly workspace: string, private readonly log: Logger,
    private readonly workspaceState: vscode.Memento, wasmPath: string) {
    this.follower = new SourceFollower(runsDirOf(trialbookDir), log, { wasmPath });
    // Lines a pass appends go to the open index as columns (it reads the logs of those it does not take).
    this.follower.setSink((append) => this.host.peek()?.ingestImported(append) ?? Promise.resolve(false));
    this.disposables.push(vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(`trialbook.${SETTING}`)) this.reload(); }));
    this.reload();
    // Offered after activation, off its path.
    setTimeout(() => { void this.offerFound(); }, 3000);
  }

  /** What the last pass found, per source (for the test API and the problems command). */
  get status(): readonly SourceStatus[] {
    return this.lastReport?.sources ?? this.follower.sources;
  }

  private configured(): SourceConfig[] {
    const { sources, problems } = parseSourcesSetting(vscode.workspace.getConfiguration('trialbook').get<unknown>(SETTING));
    for (const p of problems) if (!this.told.has(p)) { this.told.add(p); this.log.warn(`Trialbook: ${p}; the entry is skipped.`); }
    return sources;
  }

  private reload(): void {
    const sources = this.configured();
    this.follower.setSources(sources, this.workspace);
    if (sources.length > 0 && !this.timer) {
      this.timer = setInterval(() => { void this.pass(); }, PASS_MS);
    } else if (sources.length === 0 && this.timer) {
      clearInterval(this.timer);
      this.timer = undefined;
    }
    if (sources.length > 0) void this.pass();
  }

  /** One pass; the index syncs at once when a run log grew. */
  async pass(): Promise<PassReport | undefined> {
    try {
      const report = await this.follower.pass();
      this.lastReport = report;
      if (report.changed.length > 0) {
        if (this.host.peek()) this.host.scheduleSync(0); else void this.host.get();
      }
      this.showProblems(report);
      return report;
    } catch (err) {
      this.log.warn(`Trialbook: reading the sources failed: ${errorMessage(err)}`);
      return undefined;
    }
  }

  /** The sources' problems in the Problems panel, on the files they concern. */
  private showProblems(report: PassReport): void {
    const count = report.sources.reduce((n, s) => n + s.problems.length + (s.error ? 1 : 0), 0);
    if (count === this.problemCount) return;
    this.problemCount = count;
    const byFile = new Map<string, vscode.Diagnostic[]>();
    const add = (file: string, message: string, line = 0): void => {
      const d = new vscode.Diagnostic(new vscode.Range(line, 0, line, 0), message, vscode.DiagnosticSeverity.Warning);
      d.source = 'Trialbook sources';
      const list = byFile.get(file) ?? [];
      list.push(d);
      byFile.set(file, list);
    };
    for (const s of report.sources) {
      if (s.error) add(s.path, s.error);
      for (const p of s.problems) add(p.file, p.offset !== undefined ? `byte ${p.offset}: ${p.reason}` : p.reason, Math.max(0, (p.line ?? 1) - 1));
    }
    this.diagnostics.clear();
    for (const [file, list] of byFile) this.diagnostics.set(vscode.Uri.file(file), list);
  }

  /** Add Source…: a folder or store found in the workspace, or one picked from disk; detected, then added to the setting. */
  async addSource(): Promise<void> {
    const existing = new Set(this.configured().map((s) => s.path));
    const found = findSourceCandidates(this.workspace).filter((c) => !existing.has(c.path) && !existing.has(relative(this.workspace, c.path)));
    type Item = vscode.QuickPickItem & { path?: string };
    const items: Item[] = found.map((c) => ({ label: inertText(relative(this.workspace, c.path)), description: SOURCE_KIND_NAMES[c.kind], path: c.path }));
    items.push({ label: '$(folder-opened) Browse…', description: 'an mlruns folder, an mlflow.db, a TensorBoard logdir or a wandb folder' });
    items.push({ label: '$(cloud) MLflow Tracking Server…', description: 'a server URL: the team\'s experiments and runs', path: REMOTE_PICK });
    const pick = await vscode.window.showQuickPick(items, { title: 'Add Source', placeHolder: 'Runs of another tool to show beside Trialbook\'s (read only)' });
    if (!pick) return;
    if (pick.path === REMOTE_PICK) { await vscode.commands.executeCommand('trialbook.addMlflowServer'); return; }
    let path = pick.path;
    if (!path) {
      const chosen = await vscode.window.showOpenDialog({ canSelectFiles: true, canSelectFolders: true, canSelectMany: false, defaultUri: vscode.Uri.file(this.workspace), openLabel: 'Add Source' });
      path = chosen?.[0]?.fsPath;
      if (!path) return;
    }
    await this.add(path);
  }

  /** Adds a path to the workspace's `trialbook.sources` (relative when inside the folder). */
  async add(path: string): Promise<void> {
    const kind = detectSourceKind(path);
    if (typeof kind !== 'string') throw new Error(kind.problem);
    const rel = relative(this.workspace, path);
    const entry = rel && !rel.startsWith('..') ? rel : path;
    const config = vscode.workspace.getConfiguration('trialbook');
    const current = config.get<unknown[]>(SETTING) ?? [];
    await config.update(SETTING, [...(Array.isArray(current) ? current : []), { path: entry, kind }], vscode.ConfigurationTarget.Workspace);
    void vscode.window.showInformationMessage(`Trialbook: importing ${inertText(entry)} (${SOURCE_KIND_NAMES[kind]}); its files are only read.`);
  }

  /** Folders found in the workspace are offered once each (remembered per workspace), never imported unasked. */
  private async offerFound(): Promise<void> {
    const offered = new Set(this.workspaceState.get<string[]>(OFFERED_KEY) ?? []);
    const configured = new Set(this.configured().map((s) => s.path));
    const fresh = findSourceCandidates(this.workspace).filter((c) => !offered.has(c.path) && !configured.has(relative(this.workspace, c.path)) && !configured.has(c.path));
    if (fresh.length === 0) return;
    await this.workspaceState.update(OFFERED_KEY, [...offered, ...fresh.map((c) => c.path)]);
    const names = fresh.map((c) => `${relative(this.workspace, c.path)} (${SOURCE_KIND_NAMES[c.kind]})`).join(', ');
    const choice = await vscode.window.showInformationMessage(`Trialbook found runs of other tools: ${inertText(names)}. Show them in the Runs view? Their files are only read.`, 'Import', 'Not Now');
    if (choice !== 'Import') return;
    for (const c of fresh) await this.add(c.path);
  }

  /** Registered models of the MLflow sources (for the Models view; read only). */
  registeredModels(): Promise<SourceRegisteredModel[]> {
    return this.follower.registeredModels();
  }

  /** Import Deleted Source Runs Again…: imported runs the user deleted stay deleted until picked here. */
  async reimportDeleted(): Promise<void> {
    const deleted = deletedImports(this.trialbookDir);
    if (deleted.length === 0) {
      void vscode.window.showInformationMessage('Trialbook: no imported run was deleted; every source run is in the Runs view.');
      return;
    }
    type Item = vscode.QuickPickItem & { runId: string };
    const items: Item[] = deleted.map((d) => ({ label: inertText(d.sourceId), description: SOURCE_KIND_NAMES[d.kind], detail: inertText(d.root), runId: d.runId, picked: true }));
    const picks = await vscode.window.showQuickPick(items, { title: 'Import Deleted Source Runs Again', placeHolder: 'Deleted imported runs to import again from their sources', canPickMany: true });
    if (!picks || picks.length === 0) return;
    const again = forgetDeletedImports(this.trialbookDir, picks.map((p) => p.runId));
    await this.pass();
    void vscode.window.showInformationMessage(`Trialbook: ${again.length} deleted run${again.length === 1 ? '' : 's'} imported again.`);
  }

  /** Show Source Problems: every problem of the last pass in the log, and the Problems panel. */
  showProblemsSummary(): void {
    const lines: string[] = [];
    for (const s of this.status) {
      lines.push(`${s.path} (${s.kind ?? 'unknown kind'}): ${s.runs} runs${s.error ? `; ${s.error}` : ''}; ${s.problems.length} problems`);
      for (const p of s.problems) lines.push(`  ${describeProblem(p)}`);
    }
    this.log.info(`Sources:\n${lines.join('\n') || 'none configured'}`);
    void vscode.commands.executeCommand('workbench.actions.view.problems');
  }

  dispose(): void {
    if (this.timer) clearInterval(this.timer);
    this.follower.close();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
