// The model lifecycle in the editor: the service over the open folder's index, the registry as last read, and one
// event when the transition log, the gates file or the trialbook.gates setting changes (another window, git pull,
// the CLI or a hand edit).
import * as vscode from 'vscode';
import * as path from 'node:path';
import { readGatesSetting, GATES_FILE, type GateDefinition } from '../core/lifecycle/gatesFile';
import { ModelLifecycle } from '../core/lifecycle/modelLifecycle';
import type { Registry } from '../core/lifecycle/modelState';
import { LOG_FILE } from '../core/lifecycle/transitionLog';
import type { Logger } from '../core/model';
import type { IndexHost } from './indexHost';

export const GATES_SETTING = 'gates';

export class LifecycleHost implements vscode.Disposable {
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  /** The log, the gates file or the gates setting changed. */
  readonly onDidChange = this.changeEmitter.event;
  private readonly disposables: vscode.Disposable[] = [];
  private last: Registry = { models: [], problems: [] };
  private reportedProblems = '';

  constructor(readonly host: IndexHost, private readonly log: Logger) {
    const dir = vscode.Uri.file(host.trialbookDir);
    const watcher = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(dir, `{${LOG_FILE},${GATES_FILE}}`));
    const fire = (): void => this.changeEmitter.fire();
    this.disposables.push(watcher, watcher.onDidChange(fire), watcher.onDidCreate(fire), watcher.onDidDelete(fire), this.changeEmitter,
      vscode.workspace.onDidChangeConfiguration((e) => { if (e.affectsConfiguration(`trialbook.${GATES_SETTING}`)) fire(); }));
  }

  get trialbookDir(): string {
    return this.host.trialbookDir;
  }

  get gatesPath(): string {
    return path.join(this.host.trialbookDir, GATES_FILE);
  }

  /** Gates from the trialbook.gates setting (problems logged once). */
  settingsGates(): GateDefinition[] {
    const { gates, problems } = readGatesSetting(vscode.workspace.getConfiguration('trialbook').get<unknown>(GATES_SETTING));
    for (const p of problems) this.log.warn(p);
    return gates;
  }

  /** The service over the index as it is now (the index may have been reopened since the last call). */
  async lifecycle(): Promise<ModelLifecycle> {
    const index = await this.host.get();
    return new ModelLifecycle(this.host.trialbookDir, { run: (id) => index.getRun(id), settingsGates: () => this.settingsGates() });
  }

  /** Reads the registry again; problems of the log (broken lines, chain breaks) are logged once each time they change. */
  async registry(): Promise<Registry> {
    this.last = await (await this.lifecycle()).registry();
    const problems = this.last.problems.map((p) => p.message).join('\n');
    if (problems !== this.reportedProblems) {
      this.reportedProblems = problems;
      for (const p of this.last.problems) this.log.warn(`${LOG_FILE}: ${p.message}`);
    }
    return this.last;
  }

  /** The registry as last read. */
  get current(): Registry {
    return this.last;
  }

  /** After a transition this window made: the views follow at once (the watcher may be slower). */
  changed(): void {
    this.changeEmitter.fire();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
