// File helpers the source readers share: listing that never follows a symlink out of the source, sizes,
// and a signature of a set of small files (to notice a change without reading them).
import { lstatSync, readdirSync, readFileSync, statSync, type Dirent } from 'node:fs';
import { join } from 'node:path';
import { errorCode } from '../index/fileProblems';

/** Entries of a folder; [] when it does not exist. Other errors are thrown. */
export function listDir(dir: string): Dirent[] {
  try {
    return readdirSync(dir, { withFileTypes: true });
  } catch (err) {
    const code = errorCode(err);
    if (code === 'ENOENT' || code === 'ENOTDIR') return [];
    throw err;
  }
}

/** Every regular file under `dir` as a path relative to it (`/`-separated), with its size; symlinks are not followed. */
export function listFilesRecursive(dir: string, limit = 100_000): { path: string; size: number }[] {
  const out: { path: string; size: number }[] = [];
  const walk = (abs: string, rel: string): void => {
    for (const d of listDir(abs)) {
      if (out.length >= limit) return;
      const childRel = rel ? `${rel}/${d.name}` : d.name;
      const childAbs = join(abs, d.name);
      if (d.isDirectory()) walk(childAbs, childRel);
      else if (d.isFile()) out.push({ path: childRel, size: statSync(childAbs).size });
    }
  };
  walk(dir, '');
  return out.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

/** A file's whole text, or undefined when it does not exist. */
export function readTextIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

/** size:mtime of a file ('' when absent): changes when the file is rewritten. */
export function fileSignature(file: string): string {
  try {
    const st = lstatSync(file);
    return `${st.size}:${st.mtimeMs}:${st.ino}`;
  } catch {
    return '';
  }
}

/** One signature over every file directly in `dir` (names, sizes, times). */
export function folderSignature(dir: string): string {
  const parts: string[] = [];
  for (const d of listDir(dir)) parts.push(`${d.name}=${fileSignature(join(dir, d.name))}`);
  return parts.sort().join('|');
}

/** A JSON-safe number for a cursor field, else the fallback. */
export function cursorNumber(value: unknown, fallback = 0): number {
  return typeof value === 'number' && Number.isFinite(value) ? value : fallback;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
