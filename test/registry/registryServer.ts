// Test helper: a real CNCF Distribution registry (Debian's docker-registry) on 127.0.0.1 with a free port.
import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';

export type RegistryAuthConfig =
  | { kind: 'none' }
  | { kind: 'htpasswd'; htpasswdPath: string }
  | { kind: 'token'; realm: string; service: string; issuer: string; rootCertBundle: string };

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
    srv.on('error', reject);
  });
}

export class RegistryServer {
  readonly dir: string;
  readonly storage: string;
  private proc: ChildProcess | undefined;
  private output = '';

  private constructor(readonly port: number, auth: RegistryAuthConfig) {
    this.dir = mkdtempSync(path.join(os.tmpdir(), 'trialbook-registry-'));
    this.storage = path.join(this.dir, 'storage');
    const secret = randomBytes(16).toString('hex');
    let authYaml = '';
    if (auth.kind === 'htpasswd') authYaml = `auth:\n  htpasswd:\n    realm: trialbook-test\n    path: ${auth.htpasswdPath}\n`;
    if (auth.kind === 'token') authYaml = `auth:\n  token:\n    realm: ${auth.realm}\n    service: ${auth.service}\n    issuer: ${auth.issuer}\n    rootcertbundle: ${auth.rootCertBundle}\n`;
    writeFileSync(path.join(this.dir, 'config.yml'), [
      'version: 0.1',
      'log: {level: warn, accesslog: {disabled: true}}',
      `storage: {filesystem: {rootdirectory: ${this.storage}}, delete: {enabled: true}}`,
      `http: {addr: "127.0.0.1:${port}", secret: ${secret}}`,
      authYaml,
    ].join('\n'));
  }

  static async start(auth: RegistryAuthConfig = { kind: 'none' }): Promise<RegistryServer> {
    const server = new RegistryServer(await freePort(), auth);
    await server.launch();
    return server;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async launch(): Promise<void> {
    this.output = '';
    const proc = spawn('docker-registry', ['serve', path.join(this.dir, 'config.yml')], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.proc = proc;
    proc.stdout?.on('data', (d: Buffer) => { this.output += d.toString(); });
    proc.stderr?.on('data', (d: Buffer) => { this.output += d.toString(); });
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline) {
      if (proc.exitCode !== null) throw new Error(`docker-registry exited: ${this.output.slice(-2000)}`);
      if (await answers(this.port)) return;
      await new Promise((r) => setTimeout(r, 50));
    }
    throw new Error(`docker-registry did not start: ${this.output.slice(-2000)}`);
  }

  /** SIGKILL, as a crash would. */
  async kill(): Promise<void> {
    const proc = this.proc;
    if (!proc || proc.exitCode !== null) return;
    await new Promise<void>((resolve) => { proc.once('exit', () => resolve()); proc.kill('SIGKILL'); });
  }

  async stop(): Promise<void> {
    await this.kill();
    rmSync(this.dir, { recursive: true, force: true });
  }

  get log(): string {
    return this.output;
  }
}

function answers(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const req = http.get({ host: '127.0.0.1', port, path: '/v2/', timeout: 1000 }, (res) => { res.resume(); resolve(true); });
    req.on('error', () => resolve(false));
    req.on('timeout', () => { req.destroy(); resolve(false); });
  });
}
