// Commands on runs: open, edit (rename, notes, tags, star, delete), copy the id, and their code (source, diff, commit).
import * as vscode from 'vscode';
import { existsSync } from 'node:fs';
import type { RunRow } from '../../core/model';
import { inertText } from '../../shared/untrustedText';
import { cellSourceHash } from '../cellMatch';
import { openAtCommit, showCodeDiff } from '../gitDocuments';
import type { WorkspaceParts } from '../workspaceParts';
import { runRefArg, treeNodeArg, treeSelectionArg } from './commandArgs';
import type { CommandTable } from './commandRunner';
import type { WorkspaceCommandContext } from './workspaceCommandContext';

type RunsCommandKey = 'openRun' | 'showRunMedia' | 'renameRun' | 'editNotes' | 'editTags' | 'toggleStar' | 'deleteRun' | 'copyRunId'
  | 'revealSource' | 'showCodeDiff' | 'openAtCommit';

export function runsCommands({ parts, pickers, log }: WorkspaceCommandContext): CommandTable<RunsCommandKey> {
  const { editor } = parts;
  // What Open at Commit and Show Code Diff say beside what they show (e.g. "did not exist at that commit").
  const say = (message: string): void => {
    log.info(message);
    void vscode.window.showInformationMessage(`Trialbook: ${inertText(message)}`);
  };
  return {
    openRun: async (args) => {
      const ref = args.get(0, runRefArg);
      // A run id opens as given (the details page says if it is gone); a node or a pick is read from the index.
      const id = ref?.kind === 'id' ? ref.runId : (await pickers.runsFor(ref, args.get(1, treeSelectionArg), false))[0]?.id;
      if (!id) return;
      parts.panels.showDetails(id);
      const pending = parts.host.pendingNotice([id]);
      if (pending) void vscode.window.showInformationMessage(pending);
    },
    // Show media (the notebook cell status item, the palette): the run's details page, scrolled to its Media section.
    showRunMedia: async (args) => {
      const ref = args.get(0, runRefArg);
      const id = ref?.kind === 'id' ? ref.runId : (await pickers.runsFor(ref, undefined, false))[0]?.id;
      if (id) parts.panels.showDetails(id, { media: true });
    },
    renameRun: async (args) => {
      const [run] = await pickers.runsFor(args.get(0, treeNodeArg), undefined, false);
      if (run) await editor.rename(run);
    },
    editNotes: async (args) => {
      const [run] = await pickers.runsFor(args.get(0, treeNodeArg), undefined, false);
      if (run) await editor.editNotes(run);
    },
    editTags: async (args) => editor.editTags(await pickers.runsFor(args.get(0, treeNodeArg), args.get(1, treeSelectionArg), true)),
    toggleStar: async (args) => editor.toggleStar(await pickers.runsFor(args.get(0, treeNodeArg), args.get(1, treeSelectionArg), true)),
    deleteRun: async (args) => editor.delete(await pickers.runsFor(args.get(0, treeNodeArg), args.get(1, treeSelectionArg), true)),
    copyRunId: async (args) => {
      const runs = await pickers.runsFor(args.get(0, treeNodeArg), args.get(1, treeSelectionArg), false);
      if (runs.length === 0) return;
      const text = runs.map((r) => r.id).join('\n');
      await vscode.env.clipboard.writeText(text);
      vscode.window.setStatusBarMessage(`Copied ${runs.length === 1 ? `run id ${inertText(text)}` : `${runs.length} run ids`}`, 3000);
    },
    revealSource: async (args) => {
      const run = await pickers.runFor(args.get(0, runRefArg));
      if (run) await revealSource(parts, run);
    },
    showCodeDiff: async (args) => {
      const detail = await pickers.runFor(args.get(0, runRefArg));
      if (detail) await showCodeDiff(detail, say);
    },
    openAtCommit: async (args) => {
      const detail = await pickers.runFor(args.get(0, runRefArg));
      if (detail) await openAtCommit(detail, say);
    },
  };
}

/** Opens the run's script, or its notebook at the first cell that logged to it. */
async function revealSource(parts: WorkspaceParts, run: RunRow): Promise<void> {
  const target = run.notebook ?? run.script;
  if (!target || !existsSync(target)) {
    void vscode.window.showWarningMessage(`Trialbook: the source of run "${inertText(run.name)}" is not on this machine${target ? ` (${inertText(target)})` : ''}.`);
    return;
  }
  const uri = vscode.Uri.file(target);
  if (!run.notebook) {
    await vscode.window.showTextDocument(uri);
    return;
  }
  const links = (await parts.host.get()).cellLinks(target).filter((l) => l.runId === run.id);
  const notebook = await vscode.workspace.openNotebookDocument(uri);
  const editor = await vscode.window.showNotebookDocument(notebook);
  const cellIndex = notebook.getCells().findIndex((c) => links.some((l) => l.hash === cellSourceHash(c.document.getText())));
  if (cellIndex >= 0) {
    const range = new vscode.NotebookRange(cellIndex, cellIndex + 1);
    editor.selection = range;
    editor.revealRange(range, vscode.NotebookEditorRevealType.InCenterIfOutsideViewport);
  }
}
