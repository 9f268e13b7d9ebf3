// Where an export is offered to be saved: a dated file name in the workspace folder, so the save box opens on a
// file (Enter saves it) rather than on a folder, which VS Code's own save box refuses ("the folder already exists").
import * as vscode from 'vscode';

/** `trialbook-runs-2026-11-30.csv`: the kind of export and the local date, so a day's exports sort together. */
export function exportFileName(kind: string, extension: string, now = new Date()): string {
  const pad = (n: number): string => String(n).padStart(2, '0');
  return `trialbook-${kind}-${now.getFullYear()}-${pad(now.getMonth() + 1)}-${pad(now.getDate())}.${extension}`;
}

/** The file the save box starts on: `name` in the first workspace folder, else in the user's home folder. */
export function defaultExportUri(name: string): vscode.Uri {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri;
  if (folder) return vscode.Uri.joinPath(folder, name);
  const home = process.env.HOME ?? process.env.USERPROFILE;
  return home ? vscode.Uri.joinPath(vscode.Uri.file(home), name) : vscode.Uri.file(name);
}

/** Asks where to save (starting on `name` in the workspace) and writes `content` there; undefined: the user cancelled. */
export async function saveExport(options: { name: string; title: string; filters: Record<string, string[]>; content: Uint8Array }): Promise<vscode.Uri | undefined> {
  const target = await vscode.window.showSaveDialog({
    defaultUri: defaultExportUri(options.name), filters: options.filters, saveLabel: 'Export', title: options.title,
  });
  if (!target) return undefined;
  await vscode.workspace.fs.writeFile(target, options.content);
  return target;
}
