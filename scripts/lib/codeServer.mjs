// Starts code-server (the real VS Code server + web workbench) on 127.0.0.1 in a process group of
// its own, with a fresh user-data-dir, and stops the whole group (extension hosts included).
import { spawn } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { codeServerNode, codeServerPackageDir } from './codeServerInstall.mjs';
import { makeTempDir } from './tempDirs.mjs';

/** Live code-servers, so an exit handler can stop them even on Ctrl-C. */
const running = new Set();

/** Stops every code-server this process started; safe to call from an 'exit' handler. */
export function stopAllCodeServers() {
  for (const server of running) server.stop();
}

/**
 * @typedef {object} CodeServer
 * @property {number} port
 * @property {string} baseUrl `http://localhost:<port>` — the host the browser must use
 * @property {string} tempDir where its user data, extensions and config live
 * @property {string} extensionsDir
 * @property {(count?: number) => string} outputTail last lines of its stdout+stderr
 * @property {() => void} stop kills the process group (idempotent, synchronous)
 * @property {Promise<number | null>} exited
 */

/**
 * @param {object} options
 * @param {string} options.codeServerDir the cache folder from ensureSetup()
 * @param {string} [options.workspace] folder to open by default
 * @param {string} [options.extensionsDir] defaults to a fresh folder
 * @param {Record<string, string>} [options.env] added to code-server's environment (the extension host inherits it)
 * @param {number} [options.timeoutMs]
 * @returns {Promise<CodeServer>}
 */
export async function startCodeServer({ codeServerDir, workspace, extensionsDir, env = {}, timeoutMs = 60_000 }) {
  const tempDir = makeTempDir('trialbook-code-server-');
  const userDataDir = join(tempDir, 'user-data');
  const extDir = extensionsDir ?? join(tempDir, 'extensions');
  mkdirSync(join(userDataDir, 'User'), { recursive: true });
  mkdirSync(extDir, { recursive: true });
  const configFile = join(tempDir, 'config.yaml');
  writeFileSync(configFile, 'auth: none\n');
  // Quiet, predictable workbench: no welcome page, no trust prompt, no update or telemetry traffic.
  writeFileSync(
    join(userDataDir, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'security.workspace.trust.enabled': false,
        'telemetry.telemetryLevel': 'off',
        'update.mode': 'none',
        'extensions.autoCheckUpdates': false,
        'extensions.autoUpdate': false,
        'workbench.tips.enabled': false,
        'chat.disableAIFeatures': true,
      },
      null,
      2,
    ),
  );

  const args = [
    join(codeServerPackageDir(codeServerDir), 'out', 'node', 'entry.js'),
    '--auth', 'none',
    '--bind-addr', '127.0.0.1:0',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir', userDataDir,
    '--extensions-dir', extDir,
    '--config', configFile,
  ];
  if (workspace) args.push(workspace);

  const child = spawn(codeServerNode(codeServerDir), args, {
    detached: true, // own process group, so stop() reaches the extension hosts too
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, EXTENSIONS_GALLERY: '{}', ...env },
  });
  /** @type {string[]} */
  const lines = [];
  let stopped = false;
  const exited = new Promise((resolve) => child.on('exit', (code) => resolve(code)));

  const server = {
    port: 0,
    baseUrl: '',
    tempDir,
    extensionsDir: extDir,
    outputTail: (count = 40) => lines.slice(-count).join('\n'),
    stop: () => {
      if (stopped) return;
      stopped = true;
      running.delete(server);
      try {
        process.kill(-(/** @type {number} */ (child.pid)), 'SIGKILL');
      } catch {
        // already gone
      }
    },
    exited,
  };
  running.add(server);

  const port = await new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`code-server did not start listening within ${timeoutMs / 1000} s; its output:\n${server.outputTail()}`)), timeoutMs);
    /** @param {Buffer} chunk */
    const onData = (chunk) => {
      for (const line of chunk.toString('utf8').split('\n')) {
        if (!line.trim()) continue;
        lines.push(line);
        if (lines.length > 2000) lines.splice(0, lines.length - 2000);
        const match = /HTTP server listening on http:\/\/127\.0\.0\.1:(\d+)/.exec(line);
        if (match) {
          clearTimeout(timer);
          resolve(Number(match[1]));
        }
      }
    };
    child.stdout.on('data', onData);
    child.stderr.on('data', onData);
    exited.then((code) => {
      clearTimeout(timer);
      reject(new Error(`code-server exited (code ${code}) before listening; its output:\n${server.outputTail()}`));
    });
  }).catch((error) => {
    server.stop();
    throw error;
  });
  server.port = /** @type {number} */ (port);
  server.baseUrl = `http://localhost:${port}`;
  return server;
}
