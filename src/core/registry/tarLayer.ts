// Deterministic tar of a folder: sorted entries, fixed mtime/uid/gid/owner names, normalised modes,
// so the same folder always gives the same bytes and a re-push dedupes by digest.
import { createReadStream, promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { pack as tarPack } from 'tar-stream';

export interface TarEntry {
  /** Path inside the tar, POSIX separators, folders end without slash. */
  name: string;
  abs: string;
  type: 'file' | 'directory' | 'symlink';
  size: number;
  mode: number;
  mtimeMs: number;
  linkname?: string;
}

const EPOCH = new Date(0);

/** Every entry under `root` (excluded: sockets, devices), sorted by name for a stable order. */
export async function listTree(root: string, prefix = ''): Promise<TarEntry[]> {
  const out: TarEntry[] = [];
  const walk = async (dir: string, rel: string): Promise<void> => {
    const names = (await fsp.readdir(dir)).sort();
    for (const name of names) {
      const abs = path.join(dir, name);
      const relName = rel ? `${rel}/${name}` : name;
      const st = await fsp.lstat(abs);
      if (st.isDirectory()) {
        out.push({ name: relName, abs, type: 'directory', size: 0, mode: 0o755, mtimeMs: st.mtimeMs });
        await walk(abs, relName);
      } else if (st.isFile()) {
        out.push({ name: relName, abs, type: 'file', size: st.size, mode: st.mode & 0o111 ? 0o755 : 0o644, mtimeMs: st.mtimeMs });
      } else if (st.isSymbolicLink()) {
        out.push({ name: relName, abs, type: 'symlink', size: 0, mode: 0o777, mtimeMs: st.mtimeMs, linkname: await fsp.readlink(abs) });
      }
    }
  };
  await walk(root, prefix);
  return out;
}

/** Streams the tar of `entries` (from listTree); memory stays at one read buffer. */
export async function* tarStream(entries: TarEntry[]): AsyncGenerator<Buffer> {
  const pack = tarPack();
  const writing = (async (): Promise<void> => {
    for (const e of entries) {
      const base = { name: e.name, mode: e.mode, mtime: EPOCH, uid: 0, gid: 0, uname: '', gname: '' };
      if (e.type === 'directory') {
        await new Promise<void>((res, rej) => pack.entry({ ...base, type: 'directory' }, (err) => (err ? rej(err) : res())));
      } else if (e.type === 'symlink') {
        await new Promise<void>((res, rej) => pack.entry({ ...base, type: 'symlink', linkname: e.linkname ?? '' }, (err) => (err ? rej(err) : res())));
      } else {
        await new Promise<void>((res, rej) => {
          const entry = pack.entry({ ...base, type: 'file', size: e.size }, (err) => (err ? rej(err) : res()));
          const input = createReadStream(e.abs, { highWaterMark: 1024 * 1024 });
          input.on('error', (err) => { entry.destroy(err); rej(err); });
          input.pipe(entry);
        });
      }
    }
    pack.finalize();
  })();
  let writeError: unknown;
  writing.catch((err: unknown) => { writeError = err; pack.destroy(err instanceof Error ? err : new Error(String(err))); });
  try {
    for await (const chunk of pack as AsyncIterable<Buffer>) yield chunk;
  } finally {
    if (writeError === undefined) pack.destroy();
  }
  await writing;
}
