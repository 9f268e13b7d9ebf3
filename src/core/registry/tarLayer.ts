// Deterministic tar of a model folder's entries (from scanModel): sorted entries, fixed mtime/uid/gid/owner
// names, normalised modes, so the same folder always gives the same bytes and a re-push dedupes by digest.
import { constants, promises as fsp } from 'node:fs';
import { Readable, pipeline } from 'node:stream';
import { pack as tarPack } from 'tar-stream';
import { RegistryError } from './errors';
import type { ModelEntry } from './modelTree';

export type TarEntry = ModelEntry;

const EPOCH = new Date(0);
/** Read what was planned, never what a link swapped in afterwards points to (0 where the platform lacks it). */
const NO_FOLLOW = constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0);

/** A model file's bytes from `start`; fails if the path became a link since it was planned. */
export async function* openModelFile(abs: string, start = 0): AsyncGenerator<Buffer> {
  const handle = await fsp.open(abs, NO_FOLLOW).catch((err: unknown) => {
    if ((err as { code?: unknown } | null)?.code !== 'ELOOP') throw err;
    throw new RegistryError('input', `${abs} was replaced by a link while the push was under way, so it was not read. Push again to see what the model holds now.`);
  });
  try {
    for await (const chunk of handle.createReadStream({ start, highWaterMark: 1024 * 1024, autoClose: false })) yield chunk as Buffer;
  } finally {
    await handle.close().catch(() => undefined);
  }
}

/** Streams the tar of `entries`; memory stays at one read buffer. */
export async function* tarStream(entries: readonly TarEntry[]): AsyncGenerator<Buffer> {
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
          pipeline(Readable.from(openModelFile(e.abs)), entry, (err) => { if (err) rej(err); });
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
