// Test helper: an HTTP proxy in front of a registry that can drop a connection or answer for it.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault = 'forward' | 'reset' | { status: number; body: string; contentType?: string; headers?: Record<string, string> };

export interface SeenRequest {
  method: string;
  url: string;
  contentRange?: string;
  fault: string;
}

export class FaultProxy {
  readonly seen: SeenRequest[] = [];
  private constructor(private readonly server: http.Server, readonly upstreamPort: number) {}

  static async start(upstreamPort: number, decide: (req: http.IncomingMessage, seen: SeenRequest[]) => Fault): Promise<FaultProxy> {
    const server = http.createServer();
    const proxy = new FaultProxy(server, upstreamPort);
    server.on('request', (req, res) => {
      const fault = decide(req, proxy.seen);
      const header = req.headers['content-range'];
      proxy.seen.push({ method: req.method ?? '', url: req.url ?? '', ...(header ? { contentRange: header } : {}), fault: typeof fault === 'string' ? fault : String(fault.status) });
      if (fault === 'reset') { req.socket.destroy(); return; }
      if (fault !== 'forward') {
        req.resume();
        res.writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'application/json', ...fault.headers });
        res.end(fault.body);
        return;
      }
      const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (ures) => {
        res.writeHead(ures.statusCode ?? 502, ures.headers);
        ures.pipe(res);
      });
      up.on('error', () => req.socket.destroy());
      req.pipe(up);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return proxy;
  }

  get host(): string {
    return `127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop(): Promise<void> {
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }
}
