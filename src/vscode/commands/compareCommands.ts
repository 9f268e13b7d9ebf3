// Comparisons and the runs table: open them from run ids, the Runs view or a pick; export what a comparison shows.
import * as vscode from 'vscode';
import { runIdsArg, treeNodeArg, treeSelectionArg } from './commandArgs';
import type { CommandTable } from './commandRunner';
import type { WorkspaceCommandContext } from './workspaceCommandContext';

export function compareCommands({ parts, pickers }: WorkspaceCommandContext): CommandTable<'compareRuns' | 'compareSelected' | 'compareInNewPanel' | 'openRunsTable' | 'exportComparisonCsv'> {
  // A comparison replaces what the open comparison panel shows; "in a New Panel" keeps it and opens another.
  const compare = (runIds: string[] | undefined, newPanel = false): void => {
    if (!runIds?.length) return;
    parts.panels.showCompare(runIds, { newPanel });
    const pending = parts.host.pendingNotice(runIds);
    if (pending) void vscode.window.showInformationMessage(pending);
  };
  return {
    compareRuns: async (args) => compare(args.get(0, runIdsArg) ?? (await pickers.pickRunIds(true, 'Compare Runs'))),
    compareSelected: async (args) => {
      const runs = await pickers.runsFor(args.get(0, treeNodeArg), args.get(1, treeSelectionArg), true);
      compare(runs.map((r) => r.id));
    },
    compareInNewPanel: async (args) => compare(args.get(0, runIdsArg) ?? (await pickers.pickRunIds(true, 'Compare Runs in a New Panel')), true),
    openRunsTable: () => {
      parts.panels.showRunsTable();
    },
    exportComparisonCsv: async () => {
      const panel = parts.panels.activeCompare();
      if (!panel) {
        void vscode.window.showInformationMessage('Trialbook: open a comparison first ("Trialbook: Compare Runs…").');
        return;
      }
      await panel.exportCsv();
    },
  };
}
