// Test helper: the entries of a tar (names, types, link targets, contents), read with tar-stream, and the rule
// every entry of a pushed layer must keep so that no extractor writes outside its destination.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { Readable } from 'node:stream';
import { extract } from 'tar-stream';

export interface TarRecord {
  name: string;
  type: string;
  linkname?: string;
  content: Buffer;
}

export async function tarEntries(tar: Buffer): Promise<TarRecord[]> {
  const out: TarRecord[] = [];
  const ex = extract();
  const done = new Promise<void>((resolve, reject) => {
    ex.on('entry', (header, stream, next) => {
      const chunks: Buffer[] = [];
      stream.on('data', (c: unknown) => { if (Buffer.isBuffer(c)) chunks.push(c); });
      stream.on('end', () => {
        out.push({ name: header.name, type: header.type ?? 'file', ...(header.linkname ? { linkname: header.linkname } : {}), content: Buffer.concat(chunks) });
        next();
      });
      stream.resume();
    });
    ex.on('finish', resolve);
    ex.on('error', reject);
  });
  Readable.from([tar]).pipe(ex);
  await done;
  return out;
}

/**
 * Names relative, without `..` segments or backslashes (which Windows extractors read as separators), under the
 * layer's folder; links relative and resolving inside that folder.
 */
export function assertSafeLayer(layerRoot: string, entries: TarRecord[]): void {
  for (const e of entries) {
    assert.ok(!e.name.startsWith('/'), `absolute name ${e.name}`);
    assert.ok(!e.name.includes('\\'), `backslash in ${e.name}`);
    assert.ok(!e.name.split('/').includes('..'), `.. in ${e.name}`);
    assert.ok(e.name === layerRoot || e.name.startsWith(`${layerRoot}/`), `${e.name} outside the layer's folder ${layerRoot}`);
    assert.ok(e.type === 'file' || e.type === 'directory' || e.type === 'symlink', `${e.name}: entry type ${e.type}`);
    if (e.type === 'symlink') {
      const link = e.linkname ?? '';
      assert.ok(link !== '' && !link.startsWith('/') && !link.includes('\\'), `${e.name} → ${link}: link targets are relative`);
      const resolved = path.posix.normalize(path.posix.join(path.posix.dirname(e.name), link));
      assert.ok(resolved === layerRoot || resolved.startsWith(`${layerRoot}/`), `${e.name} → ${link} resolves to ${resolved}, outside the layer`);
    }
  }
}
