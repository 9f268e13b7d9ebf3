import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { Logger } from '../core/model';
import { ContextKey, workspaceCommandKeys, type GlobalCommandKey, type WorkspaceCommandKey } from './commandIds';
import { CommandRunner, type CommandTable } from './commands/commandRunner';
import { compareCommands } from './commands/compareCommands';
import { logCommands, maintenanceCommands } from './commands/maintenanceCommands';
import { monitoringCommands } from './commands/monitoringCommands';
import { modelCommands, registryCommands } from './commands/modelCommands';
import { lifecycleCommands } from './commands/lifecycleCommandTable';
import { RunPickers } from './commands/runPickers';
import { runsCommands } from './commands/runsCommands';
import { setupCommands } from './commands/setupCommands';
import { sourceCommands } from './commands/sourceCommands';
import { viewCommands } from './commands/viewCommands';
import type { WorkspaceCommandContext } from './commands/workspaceCommandContext';
import { Configuration } from './configuration';
import { LifecycleCommands } from './lifecycleCommands';
import { createLogger, RecentLines } from './logger';
import { RegistryCommands } from './registryCommands';
import { SyncController } from './sync/syncController';
import { RemoteController } from './remote/remoteController';
import { applyTerminalEnvironment } from './terminalEnvironment';
import { createTestApi, type TrialbookApi } from './testApi';
import { WorkspaceParts } from './workspaceParts';

/** The one answer of every folder-bound command when no local folder is open. */
const NEEDS_FOLDER = 'Trialbook: open a local folder first (File > Open Folder…); its runs are tracked in its .trialbook folder.';

/**
 * The root object: the log, the settings, the commands and, once a folder is open, the parts bound to it
 * (index, views, panels); disposed as one.
 */
export class TrialbookExtension implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly channel = vscode.window.createOutputChannel('Trialbook', { log: true });
  private readonly recentLog = new RecentLines();
  private readonly log: Logger = createLogger(this.channel, this.recentLog);
  private readonly configuration = new Configuration();
  private readonly commands = new CommandRunner(this.log, () => this.channel.show());
  private readonly parts: WorkspaceParts | undefined;
  private readonly registries: RegistryCommands;
  /** Team sync to an MLflow server (trialbook.sync), once a folder is open. */
  private readonly sync: SyncController | undefined;
  /** MLflow servers browsed into the Runs view (trialbook.remoteServers). */
  private readonly remote: RemoteController | undefined;
  /** Set by activate(): how long VS Code waited for it. */
  activateMs = 0;
  /** Set by activate(): when it began (epoch ms), the start of the activation benchmark's figures. */
  activatedAt = 0;

  constructor(private readonly context: vscode.ExtensionContext, private readonly trialbookDir: string | undefined) {
    this.disposables.push(this.channel, this.configuration, this.commands);
    applyTerminalEnvironment(context, trialbookDir);
    if (trialbookDir) {
      this.parts = new WorkspaceParts({
        extensionUri: context.extensionUri, workspaceState: context.workspaceState, log: this.log, trialbookDir, configuration: this.configuration,
      });
      this.disposables.push(this.parts);
    }
    this.registries = new RegistryCommands(context.secrets, this.parts?.host, this.log);
    if (this.parts && trialbookDir) { this.sync = new SyncController(context.secrets, trialbookDir, this.parts.treeView, this.log, this.parts.host); this.disposables.push(this.sync); }
    if (this.parts && trialbookDir) { this.remote = new RemoteController(context.secrets, trialbookDir, this.parts, this.log); this.disposables.push(this.remote); }
    void vscode.commands.executeCommand('setContext', ContextKey.hasRuns, trialbookDir ? existsSync(trialbookDir) : false);
    void vscode.commands.executeCommand('setContext', ContextKey.ready, true);
    this.registerCommands();
    this.log.info(`Activated${trialbookDir ? ` for ${trialbookDir}` : ' without a workspace folder'}`);
  }

  private registerCommands(): void {
    const { extensionUri } = this.context;
    const everywhere: CommandTable<GlobalCommandKey> = {
      ...setupCommands(extensionUri, this.trialbookDir), ...registryCommands(this.registries), ...logCommands(this.channel),
    };
    this.commands.registerAll(everywhere);
    if (!this.parts) {
      for (const key of workspaceCommandKeys) {
        this.commands.register(key, () => void vscode.window.showInformationMessage(NEEDS_FOLDER));
      }
      return;
    }
    const ctx: WorkspaceCommandContext = { extensionUri, log: this.log, parts: this.parts, pickers: new RunPickers(this.parts), registries: this.registries };
    const withFolder: CommandTable<WorkspaceCommandKey> = {
      ...viewCommands(ctx), ...compareCommands(ctx), ...runsCommands(ctx), ...modelCommands(ctx), ...maintenanceCommands(ctx), ...monitoringCommands(ctx),
      ...sourceCommands(ctx), ...lifecycleCommands(new LifecycleCommands(this.parts.lifecycle, this.registries)),
      analyzeRuns: (args) => this.parts?.analysis.run(args),
    };
    this.commands.registerAll(withFolder);
  }

  api(): TrialbookApi {
    return createTestApi({
      activateMs: () => this.activateMs,
      activatedAt: () => this.activatedAt,
      trialbookDir: this.trialbookDir,
      parts: this.parts,
      commandErrors: () => this.commands.errors,
      recentLog: this.recentLog,
      registries: this.registries,
      sync: this.sync,
      remote: this.remote,
    });
  }

  async close(): Promise<void> {
    this.parts?.panels.disposeAll();
    await this.parts?.host.close();
    this.dispose();
  }

  dispose(): void {
    for (const d of this.disposables.splice(0).reverse()) d.dispose();
  }
}
