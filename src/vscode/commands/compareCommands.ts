// Comparisons and the runs table: open them from run ids, the Runs view or a pick; export what a comparison shows.
import * as vscode from 'vscode';
import { runIdsArg, treeNodeArg, treeSelectionArg } from './commandArgs';
import type { CommandTable } from './commandRunner';
import type { WorkspaceCommandContext } from './workspaceCommandContext';

export function compareCommands({ parts, pickers }: WorkspaceCommandContext): CommandTable<'compareRuns' | 'compareSelected' | 'openRunsTable' | 'exportComparisonCsv'> {
  const compare = (runIds: string[] | undefined): void => {
    if (!runIds?.length) return;
    parts.panels.showCompare(runIds);
    const pending = parts.host.pendingNotice(runIds);
    if (pending) void vscode.window.showInformationMessage(pending);
  };
  return {
    compareRuns: async (args) => compare(args.get(0, runIdsArg) ?? (await pickers.pickRunIds(true, 'Compare Runs'))),
    compareSelected: async (args) => {
      const runs = await pickers.runsFor(args.get(0, treeNodeArg), args.get(1, treeSelectionArg), true);
      compare(runs.map((r) => r.id));
    },
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
