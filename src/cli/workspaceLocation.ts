// Finds the `.trialbook` folder and sql.js's WASM for CLI commands.
import { existsSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';

/**
 * `--dir` may name the workspace (holding `.trialbook/`) or the `.trialbook` folder itself; without it, the
 * TRIALBOOK_DIR variable, else the nearest ancestor of the working directory holding `.trialbook/`.
 */
export function findTrialbookDir(dir: string | undefined): string {
  const given = dir ?? process.env.TRIALBOOK_DIR;
  if (given) {
    const abs = resolve(given);
    if (abs.endsWith('.trialbook') || existsSync(join(abs, 'runs'))) return abs;
    return join(abs, '.trialbook');
  }
  let cur = process.cwd();
  for (;;) {
    if (existsSync(join(cur, '.trialbook'))) return join(cur, '.trialbook');
    const up = dirname(cur);
    if (up === cur) return join(process.cwd(), '.trialbook');
    cur = up;
  }
}

/** The bundle ships sql-wasm.wasm beside dist/cli.js; unbundled (tests) it comes from node_modules. */
export function findWasm(): string {
  const env = process.env.TRIALBOOK_SQL_WASM;
  if (env) return env;
  const beside = join(__dirname, 'sql-wasm.wasm');
  if (existsSync(beside)) return beside;
  return require.resolve('sql.js/dist/sql-wasm.wasm');
}
