import type * as vscode from 'vscode';
import type { Logger } from '../../core/model';
import type { RegistryCommands } from '../registryCommands';
import type { WorkspaceParts } from '../workspaceParts';
import type { RunPickers } from './runPickers';

/** What the commands that work on the open folder's runs are built with. */
export interface WorkspaceCommandContext {
  extensionUri: vscode.Uri;
  log: Logger;
  parts: WorkspaceParts;
  pickers: RunPickers;
  registries: RegistryCommands;
}
