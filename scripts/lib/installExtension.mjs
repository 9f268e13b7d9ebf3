// Installs the extension unpacked into a code-server extensions folder, as
// `<publisher>.<name>-<version>/`, by copying the parts the installed extension needs (the same
// parts `.vscodeignore` ships); code-server then loads it like a marketplace install. Copies, not
// links: VS Code gives `require('vscode')` the API of the extension whose folder holds the requiring
// file's real path; a linked dist/ resolves outside the folder and gets a default API without the
// extension's manifest (its webviews then post typed arrays as JSON objects, unlike a real install).
import { cpSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const SHIPPED = ['package.json', 'README.md', 'LICENSE', 'extension.js', 'dist', 'media', 'examples', 'sdk'];

/**
 * @param {string} root the repo root (with a built dist/)
 * @param {string} extensionsDir
 * @returns {{ id: string, dir: string }}
 */
export function installExtension(root, extensionsDir) {
  const manifest = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
  const main = join(root, manifest.main ?? 'extension.js');
  if (!existsSync(main)) throw new Error(`${main} is missing: run \`npm run build\` first`);
  const id = `${manifest.publisher}.${manifest.name}`;
  const dir = join(extensionsDir, `${id}-${manifest.version}`);
  mkdirSync(dir, { recursive: true });
  for (const entry of SHIPPED) {
    if (existsSync(join(root, entry))) cpSync(join(root, entry), join(dir, entry), { recursive: true, dereference: true, filter: (src) => !src.includes('__pycache__') });
  }
  return { id, dir };
}
