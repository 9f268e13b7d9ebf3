// Test helper: a Docker-style token server. Issues RS256 JWTs with an x5c header holding a self-signed
// certificate made by the openssl CLI, which docker-registry (auth: token) trusts via rootcertbundle.
import { execFileSync } from 'node:child_process';
import { createPrivateKey, randomBytes, sign } from 'node:crypto';
import { readFileSync } from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';

export interface TokenServerOptions {
  username: string;
  password: string;
  service: string;
  issuer: string;
  /** Lifetime announced in `expires_in`. */
  expiresIn?: number;
  /** Make the first token already expired (past the registry's leeway), to exercise refresh on 401. */
  firstTokenExpired?: boolean;
}

export class TokenServer {
  readonly certPath: string;
  readonly requests: { authorized: boolean; scopes: string[] }[] = [];
  private readonly keyPem: string;
  private readonly certDer: string;

  private constructor(dir: string, private readonly server: http.Server, private readonly opts: TokenServerOptions) {
    this.certPath = path.join(dir, 'token-cert.pem');
    const keyPath = path.join(dir, 'token-key.pem');
    execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', keyPath, '-out', this.certPath, '-days', '2', '-subj', '/CN=trialbook-test-token'], { stdio: 'ignore' });
    this.keyPem = readFileSync(keyPath, 'utf8');
    const pem = readFileSync(this.certPath, 'utf8');
    this.certDer = pem.replace(/-----(BEGIN|END) CERTIFICATE-----|\s/g, '');
  }

  static async start(dir: string, opts: TokenServerOptions): Promise<TokenServer> {
    const server = http.createServer();
    const ts = new TokenServer(dir, server, opts);
    server.on('request', (req, res) => ts.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return ts;
  }

  get realm(): string {
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/token`;
  }

  private handle(req: http.IncomingMessage, res: http.ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://x');
    const auth = req.headers.authorization ?? '';
    const expected = `Basic ${Buffer.from(`${this.opts.username}:${this.opts.password}`).toString('base64')}`;
    const scopes = url.searchParams.getAll('scope');
    const authorized = auth === expected;
    this.requests.push({ authorized, scopes });
    if (url.pathname !== '/token' || !authorized) {
      res.writeHead(401, { 'Content-Type': 'application/json' });
      res.end('{"details":"incorrect username or password"}');
      return;
    }
    const now = Math.floor(Date.now() / 1000);
    const expired = this.opts.firstTokenExpired && this.requests.filter((r) => r.authorized).length === 1;
    const exp = expired ? now - 600 : now + (this.opts.expiresIn ?? 300);
    const access = scopes.map((s) => {
      const [type, name, actions] = s.split(':');
      return { type, name, actions: (actions ?? '').split(',').filter(Boolean) };
    });
    const claims = { iss: this.opts.issuer, sub: this.opts.username, aud: this.opts.service, exp, nbf: now - 700, iat: now - 700, jti: randomBytes(8).toString('hex'), access };
    const head = { typ: 'JWT', alg: 'RS256', x5c: [this.certDer] };
    const b64 = (o: unknown): string => Buffer.from(JSON.stringify(o)).toString('base64url');
    const input = `${b64(head)}.${b64(claims)}`;
    const signature = sign('sha256', Buffer.from(input), createPrivateKey(this.keyPem)).toString('base64url');
    res.writeHead(200, { 'Content-Type': 'application/json' });
    res.end(JSON.stringify({ token: `${input}.${signature}`, expires_in: this.opts.expiresIn ?? 300, issued_at: new Date().toISOString() }));
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
