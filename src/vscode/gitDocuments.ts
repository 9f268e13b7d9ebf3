import * as vscode from 'vscode';
import * as path from 'node:path';
import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { applyFilePatch, parseUnifiedDiff, type FilePatch } from '../core/unifiedDiff';
import { checkedCommit, COMMIT_ID, entryFile, planOpenAtCommit, repoRelative, shownName, stateWords, type EntryFile } from '../core/codeAtRun';
import type { RunDetail } from '../core/model';
import { errorMessage } from '../shared/errorMessage';
import { inertText } from '../shared/untrustedText';

const run = promisify(execFile);
export const gitScheme = 'trialbook-git';

type GitDocRef =
  /** `commit`: the file at the commit; `ran`: that plus the run's stored uncommitted diff. */
  | { side: 'commit' | 'ran'; root: string; commit: string; file: string; patch?: string }
  /** The source the SDK captured (`.trialbook/sources/<sha256>`), or nothing (`empty`: the file was in no commit). */
  | { side: 'captured'; file: string; source: string }
  | { side: 'empty'; file: string };

const CAPTURED = /[\\/]sources[\\/][0-9a-f]{64}$/;

/** The document reference in a `trialbook-git:` URI; URIs can come from anywhere, so every field is checked. */
function parseGitDocRef(query: string): GitDocRef {
  let value: unknown;
  try {
    value = JSON.parse(query);
  } catch {
    value = undefined;
  }
  const o = typeof value === 'object' && value !== null ? value as Record<string, unknown> : {};
  const text = (key: string): string | undefined => (Object.prototype.hasOwnProperty.call(o, key) && typeof o[key] === 'string' ? o[key] : undefined);
  const root = text('root');
  const commit = text('commit');
  const file = text('file');
  const side = text('side');
  const patch = text('patch');
  const source = text('source');
  if (file && side === 'empty') return { side, file };
  // Only a captured source's own path (…/sources/<sha256>) is read: not any file a link names.
  if (file && side === 'captured' && source && path.isAbsolute(source) && CAPTURED.test(source)) return { side, file, source };
  if (!root || !commit || !COMMIT_ID.test(commit) || !file || (side !== 'commit' && side !== 'ran')) {
    throw new Error('this trialbook-git document reference is not one Trialbook made (it needs a repository, a commit id, a file and a side).');
  }
  return { root, commit, file, side, ...(patch !== undefined ? { patch } : {}) };
}

function toUri(ref: GitDocRef): vscode.Uri {
  return vscode.Uri.from({ scheme: gitScheme, path: `/${ref.file}`, query: JSON.stringify(ref) });
}

async function fileAtCommit(root: string, commit: string, file: string): Promise<string> {
  try {
    const { stdout } = await run('git', ['show', `${commit}:${file}`], { cwd: root, maxBuffer: 64 * 1024 * 1024 });
    return stdout;
  } catch (err) {
    const message = errorMessage(err);
    if (/does not exist|exists on disk, but not in|invalid object name|bad revision|unknown revision/i.test(message)) return '';
    throw new Error(`git could not show ${file} at ${commit.slice(0, 12)} in ${root}: ${message.split('\n')[0]}`);
  }
}

/** Whether `rel` is in `commit`; throws, saying so, when the repository or the commit is not on this machine. */
async function existsAtCommit(root: string, commit: string, rel: string): Promise<boolean> {
  if (!existsSync(root)) throw new Error(`the run's repository ${root} is not on this machine.`);
  try {
    await run('git', ['cat-file', '-e', `${commit}^{commit}`], { cwd: root });
  } catch (err) {
    throw new Error(`commit ${commit.slice(0, 8)} is not in the repository at ${root} (fetch it, or open the clone the run ran in): ${errorMessage(err).split('\n')[0]}`);
  }
  try {
    await run('git', ['cat-file', '-e', `${commit}:${rel}`], { cwd: root });
    return true;
  } catch {
    return false;
  }
}

/** Read-only documents: a file at a run's commit, as it ran (commit + stored diff), or as the SDK captured it. */
export class GitDocumentProvider implements vscode.TextDocumentContentProvider {
  async provideTextDocumentContent(uri: vscode.Uri): Promise<string> {
    const ref = parseGitDocRef(uri.query);
    if (ref.side === 'empty') return '';
    if (ref.side === 'captured') {
      return readFile(ref.source, 'utf8').catch((err: unknown) => {
        throw new Error(`the captured source of ${ref.file} is missing (${ref.source}): ${errorMessage(err)}`);
      });
    }
    const committed = await fileAtCommit(ref.root, ref.commit, ref.file);
    if (ref.side === 'commit' || !ref.patch) return committed;
    const patchText = await readFile(ref.patch, 'utf8');
    const filePatch = parseUnifiedDiff(patchText).find((p) => p.newPath === ref.file || p.oldPath === ref.file);
    return filePatch ? applyFilePatch(committed, filePatch) : committed;
  }
}

/** Tells the user something that is not an error (and logs it, so it can be found again). */
export type Say = (message: string) => void;

/** "Open at Commit": the run's script or notebook as it was at the run's commit, or as captured when git did not hold it. */
export async function openAtCommit(detail: RunDetail, say: Say): Promise<void> {
  const plan = await planOpenAtCommit(detail, existsAtCommit);
  if (plan.kind === 'error') throw new Error(plan.message);
  const uri = plan.kind === 'commit'
    ? toUri({ root: plan.root, commit: plan.commit, file: plan.rel, side: 'commit' })
    : toUri({ side: 'captured', file: plan.name, source: plan.file });
  await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(uri), { preview: true });
  if (plan.kind === 'captured') say(plan.message);
}

/** The captured entry file beside its commit (or beside nothing, when the commit did not have it). */
async function diffCaptured(detail: RunDetail, entry: EntryFile & { captured: NonNullable<EntryFile['captured']> }, say: Say): Promise<void> {
  const name = shownName(entry);
  const right = toUri({ side: 'captured', file: name, source: entry.captured.file });
  const runName = inertText(detail.name);
  if (entry.git && entry.rel !== undefined) {
    const short = entry.git.commit.slice(0, 8);
    const present = await existsAtCommit(entry.git.root, entry.git.commit, entry.rel);
    const left = present ? toUri({ root: entry.git.root, commit: entry.git.commit, file: entry.rel, side: 'commit' }) : toUri({ side: 'empty', file: name });
    const title = present ? `${inertText(name)} (${short} ↔ as run ${runName})` : `${inertText(name)} (not in ${short} ↔ as run ${runName})`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
    if (!present) say(`${name} did not exist at commit ${short} (${stateWords(entry, detail.name)}): the left side is empty, the right side is the source captured when the run started.`);
    return;
  }
  await vscode.commands.executeCommand('vscode.diff', toUri({ side: 'empty', file: name }), right, `${inertText(name)} (no repository ↔ as run ${runName})`, { preview: true });
  say(`run "${detail.name}" ran outside a git repository (or without git capture): the right side is ${name} as captured when the run started.`);
}

/** A clean run's code is its commit: shown beside the working copy, so "what changed since" is one look. */
async function diffCleanRun(detail: RunDetail, entry: EntryFile, say: Say): Promise<void> {
  if (!entry.git || entry.rel === undefined) throw new Error(`run "${detail.name}" has no git commit recorded and no captured source: there is nothing to compare.`);
  const short = entry.git.commit.slice(0, 8);
  const name = shownName(entry);
  if (!(await existsAtCommit(entry.git.root, entry.git.commit, entry.rel))) {
    throw new Error(`${name} did not exist at commit ${short} in ${entry.git.root}, and run "${detail.name}" has no captured source (it ran with an older SDK, with source capture off, or the file was over the 2 MiB cap).`);
  }
  const left = toUri({ root: entry.git.root, commit: entry.git.commit, file: entry.rel, side: 'commit' });
  if (!existsSync(entry.path)) {
    await vscode.window.showTextDocument(await vscode.workspace.openTextDocument(left), { preview: true });
    say(`run "${detail.name}" ran ${name} exactly as committed in ${short}; the file is no longer in the working tree, so the commit is shown alone.`);
    return;
  }
  await vscode.commands.executeCommand('vscode.diff', left, vscode.Uri.file(entry.path), `${inertText(name)} (${short} as run ${inertText(detail.name)} ↔ working copy)`, { preview: true });
  say(`run "${detail.name}" ran from a clean working tree: its code is commit ${short}, shown beside your working copy.`);
}

/** "Show Code Diff": each changed file, committed ↔ as it ran, in the diff editor; the captured source when git did not hold it. */
export async function showCodeDiff(detail: RunDetail, say: Say): Promise<void> {
  const entry = entryFile(detail);
  const git = detail.lineage.git;
  const commit = checkedCommit(detail);
  let patchText: string | undefined;
  let patchPath: string | undefined;
  if (git?.diff) {
    patchPath = path.join(detail.dir, git.diff);
    const where = patchPath;
    patchText = await readFile(where, 'utf8').catch(() => {
      throw new Error(`the stored diff of run "${detail.name}" is missing (${where}).`);
    });
  }
  const files = patchText !== undefined ? parseUnifiedDiff(patchText).filter((f) => !f.binary && (f.newPath ?? f.oldPath)) : [];
  const captured = entry?.captured ? { ...entry, captured: entry.captured } : undefined;
  if (patchText === undefined && !captured) {
    if (!entry) throw new Error(`run "${detail.name}" has no script or notebook recorded.`);
    await diffCleanRun(detail, entry, say);
    return;
  }
  const showPatch = async (): Promise<void> => {
    const doc = await vscode.workspace.openTextDocument({ language: 'diff', content: patchText ?? '' });
    await vscode.window.showTextDocument(doc, { preview: true });
  };
  const entryRel = entry?.rel ?? (commit && entry ? repoRelative(commit.root, entry.path) : undefined);
  // The captured entry file stands for its own patch (it is exactly what ran); other changed files come from the patch.
  const others = files.filter((f) => !captured || (f.newPath ?? f.oldPath) !== entryRel);
  if (captured && others.length === 0) {
    await diffCaptured(detail, captured, say);
    return;
  }
  if (!commit || (files.length === 0 && !captured)) {
    await showPatch();
    return;
  }
  type Choice = { label: string; file?: FilePatch; entry?: boolean; whole?: boolean };
  const choices: Choice[] = [
    ...(captured ? [{ label: inertText(shownName(captured)), entry: true }] : []),
    ...others.map((f) => ({ label: inertText(f.newPath ?? f.oldPath ?? '?'), file: f })),
  ];
  let chosen: Choice | undefined = choices.find((c) => c.entry) ?? choices.find((c) => c.file && (c.file.newPath ?? c.file.oldPath) === entryRel) ?? choices[0];
  if (choices.length > 1) {
    chosen = await vscode.window.showQuickPick(
      [...choices, { label: '$(file-code) Whole patch', whole: true }],
      { title: `Uncommitted changes of run "${inertText(detail.name)}"`, placeHolder: 'File to compare with its commit' },
    );
    if (!chosen) return;
  }
  if (!chosen || chosen.whole) {
    await showPatch();
    return;
  }
  if (chosen.entry && captured) {
    await diffCaptured(detail, captured, say);
    return;
  }
  const file = chosen.file?.newPath ?? chosen.file?.oldPath ?? '';
  const left = toUri({ root: commit.root, commit: commit.commit, file, side: 'commit' });
  const right = toUri({ root: commit.root, commit: commit.commit, file, side: 'ran', ...(patchPath ? { patch: patchPath } : {}) });
  await vscode.commands.executeCommand('vscode.diff', left, right, `${inertText(file)} (${commit.commit.slice(0, 8)} ↔ as run ${inertText(detail.name)})`, { preview: true });
}
