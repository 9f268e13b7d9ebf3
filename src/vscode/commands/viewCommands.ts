// The Runs view's own commands: refresh, filter, sort and the two toggles.
import * as vscode from 'vscode';
import { filterProblem } from '../runFilter';
import { stringArg } from './commandArgs';
import type { CommandTable } from './commandRunner';
import type { WorkspaceCommandContext } from './workspaceCommandContext';

const SORT_KEY = 'a sort key (-started, name, status, -duration, -updated, metric.<name>, param.<name>, each optionally with a leading -)';

export function viewCommands({ parts, pickers }: WorkspaceCommandContext): CommandTable<'refresh' | 'filterRuns' | 'clearFilter' | 'sortRuns' | 'chooseKeyMetric' | 'toggleRunningOnly' | 'toggleStarredOnly'> {
  return {
    refresh: () => parts.host.refresh(),
    filterRuns: async () => {
      const expression = await vscode.window.showInputBox({
        title: 'Filter Runs',
        prompt: 'e.g. lr < 1e-3 and optimizer = adam, val_acc > 0.9, status = failed, tag = baseline, name ~ otter (empty: no filter)',
        value: parts.filter.expression,
        ignoreFocusOut: true,
        validateInput: filterProblem,
      });
      if (expression !== undefined) await parts.filter.setExpression(expression);
    },
    clearFilter: () => parts.filter.clear(),
    sortRuns: async (args) => {
      const sort = args.get(0, (v, slot) => stringArg(v, slot, SORT_KEY)) ?? (await pickers.pickSort());
      if (sort) await parts.filter.setSort(sort);
    },
    // Writes the workspace's `trialbook.keyMetric`; the Runs view, CodeLens and cell items follow the setting.
    chooseKeyMetric: async (args) => {
      const configuration = vscode.workspace.getConfiguration('trialbook');
      const name = args.get(0, (v, slot) => stringArg(v, slot, 'a metric name (empty: automatic)'))
        ?? (await pickers.pickKeyMetric(configuration.get<string>('keyMetric', '')));
      if (name !== undefined) await configuration.update('keyMetric', name.trim(), vscode.ConfigurationTarget.Workspace);
    },
    toggleRunningOnly: () => parts.filter.toggle('runningOnly'),
    toggleStarredOnly: () => parts.filter.toggle('starredOnly'),
  };
}
