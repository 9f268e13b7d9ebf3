// Checks and installs what the tests and `npm start` need: Debian packages, and a real VS Code
// (code-server from npm, installed offline per shared/recipes/real-vscode-tests.md) in a cache
// folder outside the clone. Idempotent; prints one line when everything is already there.
// Usage: `node scripts/setup.mjs [--quiet]`, or `import { ensureSetup } from './setup.mjs'`.
import { fileURLToPath } from 'node:url';
import { ensureDebianPackages } from './lib/debianPackages.mjs';
import { ensureCodeServer } from './lib/codeServerInstall.mjs';

/**
 * @param {{ quiet?: boolean }} [options]
 * @returns {Promise<{ codeServerDir: string }>}
 */
export async function ensureSetup({ quiet = false } = {}) {
  const log = quiet ? () => {} : (/** @type {string} */ line) => console.log(`setup: ${line}`);
  const installedPackages = await ensureDebianPackages(log);
  const { dir: codeServerDir, installed } = await ensureCodeServer(log);
  if (!installedPackages && !installed) {
    log(`everything present (Debian packages, code-server in ${codeServerDir})`);
  }
  return { codeServerDir };
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    await ensureSetup({ quiet: process.argv.includes('--quiet') });
  } catch (error) {
    console.error(`setup failed: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
