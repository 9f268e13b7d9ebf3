// `npm start`: set up what is missing, build, prepare the demo workspace, and serve the real VS Code
// (code-server) on 127.0.0.1 with the extension installed and the demo workspace open. Ctrl-C stops it.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensureSetup } from './setup.mjs';
import { startCodeServer } from './lib/codeServer.mjs';
import { installExtension } from './lib/installExtension.mjs';
import { ensureDemoWorkspace } from './lib/demoWorkspace.mjs';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const log = (line) => console.log(`[trialbook] ${line}`);

const { codeServerDir } = await ensureSetup({ quiet: false });
log('Building the extension…');
const build = spawnSync(process.execPath, [join(root, 'scripts', 'build.mjs'), '--production'], { cwd: root, stdio: ['ignore', 'ignore', 'inherit'] });
if (build.status !== 0) {
  console.error('The build failed (see above). Fix it, then run `npm start` again.');
  process.exit(1);
}
const workspace = ensureDemoWorkspace(root, process.env.TRIALBOOK_DEMO_DIR || join(root, 'demo-workspace'), log);
const extensionsDir = mkdtempSync(join(tmpdir(), 'trialbook-extensions-'));
installExtension(root, extensionsDir);

const server = await startCodeServer({ codeServerDir, workspace, extensionsDir });
const url = `http://127.0.0.1:${server.port}/?folder=${encodeURIComponent(workspace)}`;
console.log('');
log('VS Code with Trialbook is running. Open this URL in a browser on this machine:');
console.log(`\n    ${url}\n`);
log('(listening on 127.0.0.1 only; to reach it from elsewhere, forward the port, e.g. `ssh -L ' + server.port + ':127.0.0.1:' + server.port + ' <this machine>`)');
log('Press Ctrl-C to stop.');

let stopping = false;
const stop = async () => {
  if (stopping) return;
  stopping = true;
  log('Stopping VS Code…');
  server.stop();
  await Promise.race([server.exited, new Promise((r) => setTimeout(r, 5000))]);
  log('Stopped.');
  process.exit(0);
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
const code = await server.exited;
if (!stopping) {
  console.error(`code-server exited unexpectedly (code ${code}). Its last output:\n${server.outputTail()}`);
  process.exit(1);
}
