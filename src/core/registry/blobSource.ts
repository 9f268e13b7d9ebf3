// Where a layer's bytes come from: a file read from any offset, or a folder's tar regenerated on demand.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { RegistryError } from './errors';
import { openModelFile, tarStream, type TarEntry } from './tarLayer';

export interface BlobSource {
  /** Bytes from `start` to the end. */
  open(start: number): AsyncIterable<Buffer>;
}

export interface Blob {
  digest: string;
  size: number;
  mediaType: string;
  source: BlobSource;
}

export function bufferSource(buf: Buffer): BlobSource {
  return {
    async *open(start: number) { if (start < buf.length) yield buf.subarray(start); },
  };
}

export function fileSource(file: string): BlobSource {
  return {
    open(start: number) { return openModelFile(file, start); },
  };
}

export function tarSource(entries: readonly TarEntry[]): BlobSource {
  return {
    async *open(start: number) {
      let skipped = 0;
      for await (const chunk of tarStream(entries)) {
        if (skipped >= start) { yield chunk; continue; }
        const need = start - skipped;
        if (chunk.length <= need) { skipped += chunk.length; continue; }
        skipped = start;
        yield chunk.subarray(need);
      }
    },
  };
}

export function sha256Hex(data: Buffer | string): string {
  return createHash('sha256').update(data).digest('hex');
}

/** Cancellation and progress while model bytes are read for their digests. */
export interface HashHooks {
  signal?: AbortSignal;
  /** The bytes that will be read, once known (after the model folder was listed). */
  onTotal?: (bytes: number) => void;
  /** Bytes read since the last call (a cached digest reports its whole size at once). */
  onHashed?: (bytes: number) => void;
}

export async function digestOf(source: BlobSource, hooks: HashHooks = {}): Promise<{ sha256: string; size: number }> {
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of source.open(0)) {
    if (hooks.signal?.aborted) throw Object.assign(new Error('The operation was aborted'), { name: 'AbortError' });
    hash.update(chunk);
    size += chunk.length;
    hooks.onHashed?.(chunk.length);
  }
  return { sha256: hash.digest('hex'), size };
}

/**
 * Digests keyed by what identifies unchanged content (path, size, mtime, ctime, inode), so a re-push of an
 * unchanged model does not read its bytes again. In memory, and in a JSON file when one is configured
 * (the CLI keeps it in the workspace's .trialbook/cache/), so separate processes share it.
 */
const digestCache = new Map<string, { sha256: string; size: number }>();
const MAX_PERSISTED = 5000;
let cacheFile: string | undefined;
let cacheLoaded = false;

export function useDigestCacheFile(file: string | undefined): void {
  cacheFile = file;
  cacheLoaded = false;
}

async function loadCache(): Promise<void> {
  if (cacheLoaded || !cacheFile) return;
  cacheLoaded = true;
  try {
    const data = JSON.parse(await fsp.readFile(cacheFile, 'utf8')) as Record<string, { sha256?: unknown; size?: unknown }>;
    for (const [key, v] of Object.entries(data)) {
      if (typeof v.sha256 === 'string' && /^[0-9a-f]{64}$/.test(v.sha256) && typeof v.size === 'number') digestCache.set(key, { sha256: v.sha256, size: v.size });
    }
  } catch {
    // No cache yet, or unreadable: digests are computed again.
  }
}

async function remember(key: string, value: { sha256: string; size: number }): Promise<void> {
  digestCache.set(key, value);
  if (!cacheFile) return;
  const entries = [...digestCache].slice(-MAX_PERSISTED);
  const tmp = `${cacheFile}.${process.pid}.tmp`;
  try {
    await fsp.mkdir(path.dirname(cacheFile), { recursive: true });
    await fsp.writeFile(tmp, JSON.stringify(Object.fromEntries(entries)));
    await fsp.rename(tmp, cacheFile);
  } catch {
    // A cache that cannot be written only costs a re-hash next time.
    await fsp.rm(tmp, { force: true }).catch(() => undefined);
  }
}

export async function fileDigest(file: string, hooks: HashHooks = {}): Promise<{ sha256: string; size: number }> {
  await loadCache();
  const st = await fsp.lstat(file);
  if (!st.isFile()) throw new RegistryError('input', `${file} is no longer a plain file (it was replaced while the push was prepared); push again.`);
  const key = `f|${file}|${st.size}|${st.mtimeMs}|${st.ctimeMs}|${st.ino}`;
  const hit = digestCache.get(key);
  if (hit) { hooks.onHashed?.(hit.size); return hit; }
  const result = await digestOf(fileSource(file), hooks);
  if (result.size !== st.size) throw new Error(`${file} changed while it was being read; try again when it is no longer written to.`);
  await remember(key, result);
  return result;
}

export async function tarDigest(folder: string, entries: readonly TarEntry[], hooks: HashHooks = {}): Promise<{ sha256: string; size: number }> {
  await loadCache();
  // Where each entry's bytes come from is part of the key: a copied link may point elsewhere with the same size and time.
  const listing = entries.map((e) => `${e.name}:${e.type}:${e.size}:${e.mtimeMs}:${e.mode}:${e.linkname ?? ''}:${e.abs}`).join('|');
  const key = `t|${folder}|${sha256Hex(listing)}`;
  const hit = digestCache.get(key);
  if (hit) { hooks.onHashed?.(hit.size); return hit; }
  const result = await digestOf(tarSource(entries), hooks);
  await remember(key, result);
  return result;
}

