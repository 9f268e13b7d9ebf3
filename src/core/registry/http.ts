// A small HTTP client on Node's own http/https: streamed request bodies, bounded response bodies.
import * as http from 'node:http';
import * as https from 'node:https';
import type { LookupFunction } from 'node:net';
import { Readable, pipeline } from 'node:stream';

export type RequestBody = Buffer | AsyncIterable<Buffer>;

export interface HttpRequest {
  method: string;
  url: URL;
  headers?: Record<string, string>;
  body?: RequestBody;
  signal?: AbortSignal;
  /** Largest response body kept in memory; larger ones are an error (registries answer small JSON). */
  maxResponseBytes?: number;
  /** Milliseconds without socket activity before the request fails with ETIMEDOUT. */
  idleTimeoutMs?: number;
  /** Accept self-signed TLS certificates (only for registries explicitly marked insecure). */
  insecureTls?: boolean;
  /** Name resolution other than the system's (e.g. a split-horizon resolver); default dns.lookup. */
  lookup?: LookupFunction;
}

export interface HttpResponse {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: Buffer;
}

const agents = {
  http: new http.Agent({ keepAlive: true, maxSockets: 8 }),
  https: new https.Agent({ keepAlive: true, maxSockets: 8 }),
  httpsInsecure: new https.Agent({ keepAlive: true, maxSockets: 8, rejectUnauthorized: false }),
};

export function header(res: HttpResponse, name: string): string | undefined {
  const value = res.headers[name.toLowerCase()];
  return Array.isArray(value) ? value[0] : value;
}

export function sendRequest(req: HttpRequest): Promise<HttpResponse> {
  const isHttps = req.url.protocol === 'https:';
  const mod = isHttps ? https : http;
  const agent = isHttps ? (req.insecureTls ? agents.httpsInsecure : agents.https) : agents.http;
  const maxBytes = req.maxResponseBytes ?? 16 * 1024 * 1024;
  const headers: Record<string, string> = { 'User-Agent': 'trialbook-registry-client/0.1', ...req.headers };
  if (Buffer.isBuffer(req.body)) headers['Content-Length'] = String(req.body.length);
  return new Promise<HttpResponse>((resolve, reject) => {
    let answered = false;
    let gotResponse = false;
    // An error of the body's own source (e.g. the file changed) explains the failure better than the reset it causes.
    let bodyError: unknown;
    const fail = (err: unknown): void => {
      if (answered) return;
      answered = true;
      reject(bodyError ?? err);
    };
    const cr = mod.request(req.url, { method: req.method, headers, agent, signal: req.signal, ...(req.lookup ? { lookup: req.lookup } : {}) });
    cr.setTimeout(req.idleTimeoutMs ?? 60_000, () => {
      cr.destroy(Object.assign(new Error(`no answer from ${req.url.host} for ${req.idleTimeoutMs ?? 60_000} ms`), { code: 'ETIMEDOUT' }));
    });
    cr.on('error', fail);
    cr.on('response', (res) => {
      gotResponse = true;
      const chunks: Buffer[] = [];
      let size = 0;
      res.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          res.destroy();
          fail(Object.assign(new Error(`response from ${req.url.host} larger than ${maxBytes} bytes`), { code: 'ERESPONSETOOLARGE' }));
          return;
        }
        chunks.push(chunk);
      });
      res.on('error', fail);
      res.on('end', () => {
        if (answered) return;
        answered = true;
        resolve({ status: res.statusCode ?? 0, headers: res.headers, body: Buffer.concat(chunks) });
      });
    });
    if (req.body === undefined) cr.end();
    else if (Buffer.isBuffer(req.body)) cr.end(req.body);
    // An early answer (401, 416) may close the socket before the body is sent: the answer wins.
    else pipeline(Readable.from(guarded(req.body, (e) => { bodyError = e; }), { objectMode: false }), cr, (err) => {
      if (err && !gotResponse) setTimeout(() => { if (!gotResponse) fail(err); }, 100);
    });
  });
}

async function* guarded(body: AsyncIterable<Buffer>, onError: (err: unknown) => void): AsyncGenerator<Buffer> {
  try {
    yield* body;
  } catch (err) {
    onError(err);
    throw err;
  }
}

export function isLoopbackHost(host: string): boolean {
  const name = host.replace(/^\[/, '').replace(/\](:\d+)?$/, '').replace(/:\d+$/, '').toLowerCase();
  return name === 'localhost' || name === '::1' || /^127\.\d+\.\d+\.\d+$/.test(name);
}

export function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) { reject(abortError()); return; }
    const timer = setTimeout(() => { signal?.removeEventListener('abort', onAbort); resolve(); }, ms);
    const onAbort = (): void => { clearTimeout(timer); reject(abortError()); };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

export function abortError(): Error {
  return Object.assign(new Error('The operation was aborted'), { name: 'AbortError', code: 'ABORT_ERR' });
}

export function isAbortError(err: unknown): boolean {
  return err instanceof Error && (err.name === 'AbortError' || (err as { code?: string }).code === 'ABORT_ERR');
}
