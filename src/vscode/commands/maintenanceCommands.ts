// Keeping the index healthy and seeing what it did: rebuild from the logs, show the log.
import * as vscode from 'vscode';
import type { CommandTable } from './commandRunner';
import type { WorkspaceCommandContext } from './workspaceCommandContext';

export function maintenanceCommands({ parts }: WorkspaceCommandContext): CommandTable<'rebuildDatabase'> {
  return {
    rebuildDatabase: async () => {
      const report = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: 'Trialbook: rebuilding the database from the run logs', cancellable: false },
        async (progress) => {
          let last = 0;
          return parts.host.rebuild((done, total) => {
            const pct = total ? (done / total) * 100 : 100;
            progress.report({ message: `${done} of ${total} runs`, increment: pct - last });
            last = pct;
          });
        },
      );
      const skipped = report.problems.length;
      void vscode.window.showInformationMessage(`Trialbook: database rebuilt from ${report.changed.length} runs${skipped ? `; ${skipped} unreadable line(s) skipped (see Show Log)` : ''}.`);
    },
  };
}

export function logCommands(channel: vscode.LogOutputChannel): CommandTable<'showLog'> {
  return { showLog: () => channel.show() };
}
