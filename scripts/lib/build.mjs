// Builds what the real-VS-Code tiers load: the extension bundle (`npm run build` → dist/) and the
// compiled tests (tsc → out/). tsc emits even when files elsewhere have type errors, so its exit
// code is not the verdict; the presence of the files the tier needs is.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

/** @param {string} root @param {string[]} args @param {string} what */
function runNode(root, args, what) {
  const result = spawnSync(process.execPath, args, { cwd: root, encoding: 'utf8' });
  return { ok: result.status === 0, output: `${result.stdout ?? ''}${result.stderr ?? ''}`.trim(), what };
}

/** @param {string} root */
export function buildExtension(root) {
  const result = runNode(root, [join(root, 'scripts', 'build.mjs')], 'npm run build');
  if (!result.ok || !existsSync(join(root, 'dist', 'extension.js'))) {
    throw new Error(`the extension did not build (\`npm run build\` failed); its output:\n${result.output}`);
  }
}

/**
 * @param {string} root
 * @param {string[]} requiredOutputs paths relative to root that must exist after compiling
 * @param {(line: string) => void} log
 */
export function compileTypeScript(root, requiredOutputs, log) {
  const result = runNode(root, [join(root, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', 'tsconfig.json'], 'tsc');
  const missing = requiredOutputs.filter((path) => !existsSync(join(root, path)));
  if (missing.length > 0) {
    throw new Error(`tsc did not produce ${missing.join(', ')}; its output:\n${result.output}`);
  }
  if (!result.ok) {
    const errors = result.output.split('\n').filter((line) => /error TS/.test(line));
    log(`tsc reported ${errors.length} type error(s) (files were still emitted):\n  ${errors.slice(0, 10).join('\n  ')}`);
  }
}
