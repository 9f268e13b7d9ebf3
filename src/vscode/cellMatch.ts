// Matching notebook cells to the cell links the SDK records (no vscode import: unit-tested).
import { createHash } from 'node:crypto';
import type { CellLink } from '../core/model';

/**
 * The SDK hashes IPython's raw input history entry, which IPython stores with trailing newlines
 * stripped; the editor's cell text may end in newlines and use CRLF.
 */
export function cellSourceHash(source: string): string {
  const normalized = source.replace(/\r\n/g, '\n').replace(/\n+$/, '');
  return createHash('sha256').update(normalized, 'utf8').digest('hex').slice(0, 16);
}

/**
 * Links for one cell: those whose source hash equals the cell's; when the cell was edited after it ran,
 * those whose execution count equals the cell's last execution order (the kernel session's count).
 */
export function linksForCell<L extends Pick<CellLink, 'hash' | 'exec'>>(links: readonly L[], source: string, executionOrder: number | undefined): L[] {
  const hash = cellSourceHash(source);
  const byHash = links.filter((l) => l.hash === hash);
  if (byHash.length) return byHash;
  if (executionOrder === undefined) return [];
  return links.filter((l) => l.exec === executionOrder);
}
