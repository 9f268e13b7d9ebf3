// Test helper: an HTTP proxy in front of a registry that can drop a connection or answer for it.
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';

export type Fault =
  | 'forward' | 'reset'
  /** Forward the request whole, let the server answer, then drop the connection before the client hears it. */
  | 'cut-after-upstream'
  /** Read part of the request body, then drop the connection: the server never sees the request. */
  | 'cut-mid-body'
  /** Forward, and hold the answer back this long (a slow server). */
  | { delayMs: number }
  | { status: number; body: string; contentType?: string; headers?: Record<string, string> };

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
      proxy.seen.push({ method: req.method ?? '', url: req.url ?? '', ...(header ? { contentRange: header } : {}), fault: typeof fault === 'string' ? fault : 'delayMs' in fault ? `delay ${fault.delayMs}` : String(fault.status) });
      if (fault === 'reset') { req.socket.destroy(); return; }
      if (fault === 'cut-mid-body') { req.once('data', () => req.socket.destroy()); req.once('end', () => req.socket.destroy()); return; }
      if (typeof fault === 'object' && 'status' in fault) {
        req.resume();
        res.writeHead(fault.status, { 'Content-Type': fault.contentType ?? 'application/json', ...fault.headers });
        res.end(fault.body);
        return;
      }
      const up = http.request({ host: '127.0.0.1', port: upstreamPort, method: req.method, path: req.url, headers: req.headers }, (ures) => {
        if (fault === 'cut-after-upstream') { ures.resume(); ures.on('end', () => req.socket.destroy()); return; }
        const answer = (): void => { res.writeHead(ures.statusCode ?? 502, ures.headers); ures.pipe(res); };
        if (typeof fault === 'object' && 'delayMs' in fault) setTimeout(answer, fault.delayMs);
        else answer();
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
