// The peer tools' own files (../shared/fixtures/peers, see its README), read in place: never copied into the
// repository. Also what their readers found (expected/*.json), and a checksum of every file, to prove the
// importers leave the source byte-for-byte as it was.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync } from 'node:fs';
import { join, resolve } from 'node:path';

export const PEERS = resolve(__dirname, '..', '..', '..', '..', 'shared', 'fixtures', 'peers');

export function peerPath(...parts: string[]): string {
  return join(PEERS, ...parts);
}

export function expected(name: string): unknown {
  return JSON.parse(readFileSync(peerPath('expected', name), 'utf8'));
}

/** A non-finite float as expected/ writes it ("NaN", "Infinity", "-Infinity"), a finite one as itself. */
export function expectedNumber(v: number): number | string {
  return Number.isNaN(v) ? 'NaN' : v === Infinity ? 'Infinity' : v === -Infinity ? '-Infinity' : v;
}

/** sha256 of every file (and symlink target) under `root`, with modes and mtimes: any write shows. */
export function treeChecksums(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (dir: string, rel: string): void => {
    for (const name of readdirSync(dir).sort()) {
      const abs = join(dir, name);
      const r = rel ? `${rel}/${name}` : name;
      const st = lstatSync(abs);
      if (st.isSymbolicLink()) out.set(r, `link:${readlinkSync(abs)}:${st.mtimeMs}`);
      else if (st.isDirectory()) { out.set(`${r}/`, `dir:${st.mode}:${st.mtimeMs}`); walk(abs, r); }
      else out.set(r, `${createHash('sha256').update(readFileSync(abs)).digest('hex')}:${st.mode}:${st.size}:${st.mtimeMs}`);
    }
  };
  walk(root, '');
  return out;
}
