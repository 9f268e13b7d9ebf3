// The compare panel's media section, host side: reads the compared runs' media from their logs (a catalog kept per
// panel reads only what was appended), turns each run's media folder into a webview resource URI (the page loads
// images lazily from there; no bytes cross the message channel), answers table requests, and opens links from logged
// Markdown only after the user confirms.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { compareMediaOf, mediaSignature, readMediaTable } from '../../../core/media/compareMedia';
import { MediaCatalog, type RunMedia } from '../../../core/media/mediaCatalog';
import type { RunReader } from '../../../core/runIndex';
import { Slicer } from '../../../core/slices';
import type { HostToCompareMessage } from '../../../shared/webviews/compare/contract';
import { inertText } from '../../../shared/untrustedText';

/** Where a webview may load run files from: the runs folder of this workspace's `.trialbook`. */
export function runsResourceRoot(trialbookDir: string): vscode.Uri {
  return vscode.Uri.file(join(trialbookDir, 'runs'));
}

export class CompareMediaHost {
  private signature: string | undefined;
  /** Media values sent last (for the tests): keys by type. */
  sentKeys: Record<string, string[]> = {};

  constructor(
    private readonly webview: vscode.Webview,
    private readonly post: (message: HostToCompareMessage) => Promise<unknown>,
    /**
     * Shared by the window's comparison panels: a log is read once, then only what was appended (a new panel on the
     * same runs read 100 logs again, 1.1 GB at 100,000 steps each, on the host's thread).
     */
    private readonly catalog: MediaCatalog = new MediaCatalog(),
  ) {}

  /**
   * Sends the runs' media when they changed since the last message (`force`: the page started over); nothing once
   * `stale()` says the panel moved on (closed, or showing other runs).
   */
  async send(index: RunReader, runIds: readonly string[], force: boolean, stale: () => boolean = () => false): Promise<void> {
    const folders: Array<{ id: string; dir: string }> = [];
    for (const id of runIds) {
      const dir = index.getRun(id)?.dir;
      if (dir !== undefined) folders.push({ id, dir });
    }
    const slicer = new Slicer();
    const runs: RunMedia[] = await this.catalog.readInSlices(folders, () => slicer.pause(), stale);
    if (stale()) return;
    const signature = mediaSignature(runs);
    if (!force && signature === this.signature) return;
    this.signature = signature;
    const media = compareMediaOf(runs, (run) => this.webview.asWebviewUri(vscode.Uri.file(join(run.dir, 'media'))).toString());
    this.sentKeys = {
      images: media.images.map((k) => k.key), histograms: media.histograms.map((k) => k.key), tables: media.tables.map((k) => k.key),
      matrices: media.matrices.map((k) => k.key), curves: media.curves.map((k) => k.key), texts: media.texts.map((k) => k.key),
    };
    await this.post({ type: 'media', media });
  }

  /** The page forgot what it had (a ready message): the next send goes whole. */
  reset(): void {
    this.signature = undefined;
  }

  async sendTable(index: RunReader, runId: string, file: string): Promise<void> {
    const dir = index.getRun(runId)?.dir;
    const table = dir === undefined ? { runId, file, columns: [], rows: [], error: 'That run is no longer in the index.' } : readMediaTable(runId, dir, file);
    await this.post({ type: 'mediaTable', table });
  }

  /** A link in logged Markdown: opened only after the user confirms (see openLoggedLink). */
  openLink(url: string): Promise<void> {
    return openLoggedLink(url);
  }
}

/** A link in a run's logged Markdown: only http(s) and mailto, and only after a modal that shows where it goes. */
export async function openLoggedLink(url: string): Promise<void> {
  let uri: vscode.Uri;
  try {
    uri = vscode.Uri.parse(url, true);
  } catch {
    return;
  }
  if (!['http', 'https', 'mailto'].includes(uri.scheme)) {
    void vscode.window.showWarningMessage(`Trialbook: a run's text links to ${inertText(uri.scheme)}: addresses; only web and mail links are opened.`);
    return;
  }
  const choice = await vscode.window.showWarningMessage('Open a link from a run\'s logged text?', { modal: true, detail: inertText(uri.toString(true)) }, 'Open Link');
  if (choice === 'Open Link') await vscode.env.openExternal(uri);
}
