// The database file on disk: atomic replacement and a cheap integrity check before sql.js sees the bytes.
import { promises as fsp } from 'node:fs';
import { basename, dirname, join } from 'node:path';

/** Writes `bytes` to `file` so that a crash at any moment leaves either the old or the new file. */
export async function writeFileAtomic(file: string, bytes: Uint8Array): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.tmp-${process.pid}`);
  const fh = await fsp.open(tmp, 'w');
  try {
    try {
      await fh.writeFile(bytes);
      await fh.sync();
    } finally {
      await fh.close();
    }
    await fsp.rename(tmp, file);
  } catch (err) {
    // A full disk or a directory in the way: leave no half-written temporary file behind.
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
    throw err;
  }
  // Make the rename itself durable (not supported on every platform: best effort).
  try {
    const dir = await fsp.open(dirname(file), 'r');
    try { await dir.sync(); } finally { await dir.close(); }
  } catch { /* directories cannot be opened for fsync on Windows */ }
}

const MAGIC = 'SQLite format 3\u0000';

/** Why these bytes cannot be a complete SQLite database, or undefined when they look whole. */
export function checkDatabaseBytes(bytes: Uint8Array): string | undefined {
  if (bytes.length < 100) return `file is ${bytes.length} bytes, shorter than a SQLite header`;
  if (Buffer.from(bytes.buffer, bytes.byteOffset, 16).toString('latin1') !== MAGIC) return 'not a SQLite database (bad header)';
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let pageSize = view.getUint16(16);
  if (pageSize === 1) pageSize = 65536;
  const pages = view.getUint32(28);
  if (pageSize < 512 || (pageSize & (pageSize - 1)) !== 0) return `invalid page size ${pageSize}`;
  if (pages > 0 && pages * pageSize !== bytes.length) return `truncated or padded: header says ${pages * pageSize} bytes, file has ${bytes.length}`;
  return undefined;
}

/** `trialbook.db.corrupt-<timestamp>` beside the database. */
export function corruptName(file: string, now: Date): string {
  return `${file}.corrupt-${now.toISOString().replace(/[:.]/g, '-')}`;
}
