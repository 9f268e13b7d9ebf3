// Monitoring: open a model version's dashboard (from the view, the alerts, or a quick pick), scan the logs again.
import * as vscode from 'vscode';
import { versionLabel } from '../monitoring/monitoringTree';
import { isRecord, type ArgumentSlot, CommandArgumentError, describeValue } from './commandArgs';
import type { CommandTable } from './commandRunner';
import type { WorkspaceCommandContext } from './workspaceCommandContext';

/** `{model, version}` (strings), or nothing. */
export function monitoredVersionArg(value: unknown, slot: ArgumentSlot): { model: string; version: string } | undefined {
  if (value === undefined || value === null) return undefined;
  if (isRecord(value) && Object.prototype.hasOwnProperty.call(value, 'model') && Object.prototype.hasOwnProperty.call(value, 'version')) {
    const { model, version } = value;
    if (typeof model === 'string' && typeof version === 'string') return { model, version };
  }
  throw new CommandArgumentError(`${slot.command}: the first argument must be {model, version} (two strings); it was ${describeValue(value)}.`);
}

export function monitoringCommands({ parts }: WorkspaceCommandContext): CommandTable<'openMonitoring' | 'refreshMonitoring'> {
  const { monitoring } = parts;
  return {
    openMonitoring: async (args) => {
      const given = args.get(0, monitoredVersionArg);
      if (given) {
        monitoring.panels.show(given);
        return;
      }
      const versions = monitoring.state.rescan();
      if (versions.length === 0) {
        void vscode.window.showInformationMessage('Trialbook: no monitored model versions yet. Start a monitoring run with trialbook.monitor(model=..., version=...) (docs/monitoring.md).');
        return;
      }
      const picked = versions.length === 1 ? versions[0] : (await vscode.window.showQuickPick(
        versions.map((v) => ({ label: versionLabel(v), description: v.status, version: v })), { placeHolder: 'Model version to show' }))?.version;
      if (picked) monitoring.panels.show({ model: picked.model, version: picked.version });
    },
    refreshMonitoring: () => { monitoring.state.rescan(); },
  };
}
