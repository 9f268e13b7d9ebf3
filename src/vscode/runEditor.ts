import * as vscode from 'vscode';
import * as path from 'node:path';
import { rm } from 'node:fs/promises';
import type { IndexHost } from './indexHost';
import { appendRunEdit, type RunEdit } from '../core/runEdits';
import type { RunRow } from '../core/model';
import { inertText } from '../shared/untrustedText';

/**
 * Editing runs from the tree: every edit goes to the run's edits.jsonl, then the index picks it up.
 * Run names shown in titles and messages are inert (no icon, no command link).
 */
export class RunEditor {
  constructor(private readonly host: IndexHost) {}

  private async apply(runs: readonly RunRow[], edit: (run: RunRow) => RunEdit): Promise<void> {
    for (const run of runs) await appendRunEdit(this.host.trialbookDir, run.id, edit(run));
    await this.host.refresh();
  }

  async rename(run: RunRow): Promise<void> {
    const name = await vscode.window.showInputBox({
      title: `Rename run "${inertText(run.name)}"`, value: run.name, ignoreFocusOut: true,
      validateInput: (v) => (v.trim().length === 0 ? 'A run name cannot be empty.' : v.length > 250 ? 'At most 250 characters.' : undefined),
    });
    if (name !== undefined && name.trim() !== run.name) await this.apply([run], () => ({ t: 'name', name: name.trim() }));
  }

  async editNotes(run: RunRow): Promise<void> {
    const notes = await vscode.window.showInputBox({
      title: `Notes for "${inertText(run.name)}"`, prompt: 'Why this run exists, what it showed', value: run.notes, ignoreFocusOut: true,
    });
    if (notes !== undefined && notes !== run.notes) await this.apply([run], () => ({ t: 'notes', notes }));
  }

  async editTags(runs: readonly RunRow[]): Promise<void> {
    if (runs.length === 0) return;
    const common = runs.map((r) => r.tags).reduce((a, b) => a.filter((t) => b.includes(t)));
    const input = await vscode.window.showInputBox({
      title: runs.length === 1 ? `Tags of "${inertText(runs[0]?.name ?? '')}"` : `Tags of ${runs.length} runs`,
      prompt: runs.length === 1 ? 'Comma-separated tags' : 'Comma-separated tags to set on every selected run (tags not shared by all are kept)',
      value: common.join(', '), ignoreFocusOut: true,
      validateInput: (v) => (v.split(',').some((t) => t.trim().length > 250) ? 'A tag has at most 250 characters.' : undefined),
    });
    if (input === undefined) return;
    const wanted = [...new Set(input.split(',').map((t) => t.trim()).filter(Boolean))];
    // Tags shared by all selected runs are replaced; each run's other tags stay.
    await this.apply(runs, (run) => ({ t: 'tags', tags: [...new Set([...run.tags.filter((t) => !common.includes(t)), ...wanted])] }));
  }

  async toggleStar(runs: readonly RunRow[]): Promise<void> {
    if (runs.length === 0) return;
    const star = !runs.every((r) => r.starred);
    await this.apply(runs, () => ({ t: 'star', starred: star }));
  }

  /** Deletes run folders after a modal confirmation naming them. */
  async delete(runs: readonly RunRow[]): Promise<boolean> {
    if (runs.length === 0) return false;
    const names = runs.slice(0, 5).map((r) => `"${inertText(r.name)}"`).join(', ') + (runs.length > 5 ? ` and ${runs.length - 5} more` : '');
    const choice = await vscode.window.showWarningMessage(
      `Delete ${runs.length === 1 ? 'run' : `${runs.length} runs`} ${names}?`,
      { modal: true, detail: 'Their folders under .trialbook/runs (logs, stored diffs, copied artifacts) are removed from disk. This cannot be undone.' },
      'Delete',
    );
    if (choice !== 'Delete') return false;
    for (const run of runs) {
      if (run.status === 'running') {
        void vscode.window.showWarningMessage(`Trialbook: "${inertText(run.name)}" is still running; stop it before deleting it. The other runs were deleted.`);
        continue;
      }
      await rm(path.join(this.host.trialbookDir, 'runs', run.id), { recursive: true, force: true });
    }
    await this.host.refresh();
    return true;
  }
}
