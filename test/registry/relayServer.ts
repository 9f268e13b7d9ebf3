// Test helper: an HTTP relay on 127.0.0.1 that records every request's headers and forwards it to an upstream
// server (a real registry, the MLflow stand-in), with hooks to answer for it, add headers on the way up, or
// rewrite what comes back (e.g. point an upload Location at another origin).
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface RelayedRequest {
  method: string;
  url: string;
  authorization?: string;
}

export interface RelayOptions {
  /** Answer instead of forwarding (undefined: forward). */
  answer?: (req: http.IncomingMessage) => { status: number; headers?: Record<string, string>; body?: string } | undefined;
  /** Headers added to the forwarded request when the client did not send them. */
  addHeaders?: Record<string, string>;
  /** The response headers (and status) as the client receives them. */
  rewrite?: (req: http.IncomingMessage, status: number, headers: http.IncomingHttpHeaders) => { status: number; headers: http.IncomingHttpHeaders };
}

export class RelayServer {
  readonly seen: RelayedRequest[] = [];
  private constructor(private readonly server: http.Server) {}

  static async start(upstreamPort: number | undefined, options: RelayOptions = {}): Promise<RelayServer> {
    const server = http.createServer();
    const relay = new RelayServer(server);
    server.on('request', (req, res) => {
      const authorization = req.headers['authorization'];
      relay.seen.push({ method: req.method ?? '', url: req.url ?? '', ...(authorization !== undefined ? { authorization } : {}) });
      const answer = options.answer?.(req) ?? (upstreamPort === undefined ? { status: 404, body: 'no upstream' } : undefined);
      if (answer) {
        req.resume();
        res.writeHead(answer.status, { 'Content-Type': 'application/json', ...answer.headers });
        res.end(answer.body ?? '');
        return;
      }
      const headers = { ...req.headers };
      for (const [k, v] of Object.entries(options.addHeaders ?? {})) if (headers[k.toLowerCase()] === undefined) headers[k.toLowerCase()] = v;
      const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers }, (ures) => {
        const out = options.rewrite ? options.rewrite(req, ures.statusCode ?? 502, ures.headers) : { status: ures.statusCode ?? 502, headers: ures.headers };
        res.writeHead(out.status, out.headers);
        ures.pipe(res);
      });
      up.on('error', () => req.socket.destroy());
      req.pipe(up);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return relay;
  }

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  get host(): string {
    return `127.0.0.1:${this.port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
