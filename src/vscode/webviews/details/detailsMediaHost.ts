// The run details page's Media section, host side: reads the run's media from its log (incrementally), sends each
// key's latest value when something changed, with the run's media folder as a webview resource URI (the page loads
// images lazily from there; no bytes cross the message channel). A table's head is read once per file: files are
// named by their content hash and never change.
import * as vscode from 'vscode';
import { join } from 'node:path';
import { latestMediaOf, latestSignature, readTableHead } from '../../../core/media/latestMedia';
import { MediaCatalog } from '../../../core/media/mediaCatalog';
import type { TableHead } from '../../../shared/webviews/media/contract';
import type { HostToDetailsMessage } from '../../../shared/webviews/details/contract';

const HEADS_KEPT = 64;

export class DetailsMediaHost {
  private readonly catalog = new MediaCatalog();
  private readonly heads = new Map<string, TableHead>();
  private signature: string | undefined;
  /** What was sent last (for the tests): keys by type. */
  sentKeys: Record<string, string[]> = {};

  constructor(
    private readonly webview: vscode.Webview,
    private readonly runId: string,
    private readonly post: (message: HostToDetailsMessage) => Promise<unknown>,
  ) {}

  /** Sends the run's latest media when they changed since the last message; true when the run has any. */
  async send(dir: string): Promise<boolean> {
    const run = this.catalog.read(this.runId, dir);
    const signature = latestSignature(run);
    if (signature === this.signature) return run.keys.size > 0;
    this.signature = signature;
    const base = this.webview.asWebviewUri(vscode.Uri.file(join(dir, 'media'))).toString();
    const media = latestMediaOf(run, base, (file) => this.headOf(dir, file));
    this.sentKeys = {
      images: media.images.map((k) => k.key), histograms: media.histograms.map((k) => k.key), tables: media.tables.map((k) => k.key),
      matrices: media.matrices.map((k) => k.key), curves: media.curves.map((k) => k.key), texts: media.texts.map((k) => k.key),
    };
    await this.post({ type: 'media', media });
    return run.keys.size > 0;
  }

  /** The page forgot what it had (a ready message): the next send goes whole. */
  reset(): void {
    this.signature = undefined;
  }

  private headOf(dir: string, file: string): TableHead {
    let head = this.heads.get(file);
    if (!head) {
      head = readTableHead(dir, file);
      if (this.heads.size >= HEADS_KEPT) this.heads.clear();
      this.heads.set(file, head);
    }
    return head;
  }
}
