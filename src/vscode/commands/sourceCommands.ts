// Sources: add another tool's runs (MLflow, TensorBoard, W&B) to the Runs view; see what could not be read.
import type { CommandTable } from './commandRunner';
import type { WorkspaceCommandContext } from './workspaceCommandContext';

export function sourceCommands({ parts }: WorkspaceCommandContext): CommandTable<'addSource' | 'showSourceProblems' | 'reimportDeletedSourceRuns'> {
  return {
    addSource: () => parts.sources.addSource(),
    showSourceProblems: () => parts.sources.showProblemsSummary(),
    reimportDeletedSourceRuns: () => parts.sources.reimportDeleted(),
  };
}
