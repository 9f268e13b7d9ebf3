// OCI Distribution client for one repository: ping, blobs (HEAD, mount, monolithic PUT, chunked PATCH
// with resume), manifests. Retries 5xx and dropped connections with backoff; never retries other 4xx.
import type { LookupFunction } from 'node:net';
import { RegistryError, TokenRenewed, describeNetworkError, isTransient, socketErrorCode } from './errors';
import { header, isAbortError, isLoopbackHost, sendRequest, sleep, type HttpResponse, type RequestBody } from './http';
import { RegistryAuth } from './ociAuth';
import type { Blob } from './blobSource';
import { describeBody, looksLikeJson, registryHttpError } from './ociResponses';
import { ChunkReader, counted, exactly, rangeEnd, withDigest } from './uploadStreams';
import type { Credentials, PushLog } from './types';

export interface OciClientOptions {
  /** Blobs up to this size go in one PUT; larger ones in chunked PATCHes. */
  monolithicMaxBytes?: number;
  chunkBytes?: number;
  /** Attempts after the first one for a transient failure. */
  retries?: number;
  backoffMs?: number;
  /** Name resolution other than the system's; default dns.lookup. */
  lookup?: LookupFunction;
}

export const DEFAULT_CHUNK_BYTES = 32 * 1024 * 1024;

export type BlobOutcome = 'exists' | 'mounted' | 'uploaded';

interface Call {
  method: string;
  /** Path under the registry root (`/v2/...`) or an absolute URL (upload locations). */
  target: string | URL;
  headers?: Record<string, string>;
  /** A fresh body per attempt; absent for bodiless requests. */
  body?: () => RequestBody;
  /** Retry transient failures (only when the body can be produced again). */
  retry?: boolean;
  maxResponseBytes?: number;
}

export const OCI_MANIFEST = 'application/vnd.oci.image.manifest.v1+json';

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

export class OciClient {
  private base: URL;
  private readonly auth: RegistryAuth;
  private readonly chunkBytes: number;
  private readonly monolithicMax: number;
  private readonly retries: number;
  private readonly backoffMs: number;
  private readonly lookup: LookupFunction | undefined;
  private pinged = false;
  /** Open upload session, deleted when a push is cancelled. */
  private openUpload: URL | undefined;

  constructor(
    readonly registry: string,
    readonly repository: string,
    credentials: Credentials,
    private readonly insecure: boolean,
    options: OciClientOptions = {},
    private readonly log?: PushLog,
    private readonly signal?: AbortSignal,
  ) {
    // HTTPS first; ping() falls back to plain HTTP only for loopback or registries marked insecure.
    this.base = new URL(`https://${registry}`);
    this.lookup = options.lookup;
    this.auth = new RegistryAuth(credentials, registry, insecure, options.lookup);
    this.auth.scopes.add(`repository:${repository}:pull,push`);
    this.chunkBytes = options.chunkBytes ?? DEFAULT_CHUNK_BYTES;
    this.monolithicMax = options.monolithicMaxBytes ?? this.chunkBytes;
    this.retries = options.retries ?? 6;
    this.backoffMs = options.backoffMs ?? 250;
  }

  /** `GET /v2/`: checks that this is a registry, picks http/https, and learns the auth challenge. */
  async ping(): Promise<void> {
    const plainAllowed = this.insecure || isLoopbackHost(this.registry);
    const get = async (): Promise<HttpResponse> => {
      const once = (): Promise<HttpResponse> => this.call({ method: 'GET', target: '/v2/', maxResponseBytes: 1024 * 1024 }, true);
      try {
        return await once();
      } catch (err) {
        // A kept-alive connection the server had closed: one fresh try (a refused connection is not retried).
        const code = socketErrorCode(err);
        if (code === 'ECONNRESET' || code === 'EPIPE') return once();
        throw err;
      }
    };
    let res: HttpResponse;
    try {
      res = await get();
    } catch (err) {
      const code = socketErrorCode(err);
      const tlsMismatch = code === 'EPROTO' || code === 'ERR_SSL_WRONG_VERSION_NUMBER' || (code === 'ECONNRESET' && plainAllowed);
      if (!plainAllowed || !tlsMismatch) throw this.wrap(err);
      this.base = new URL(`http://${this.registry}`);
      res = await get().catch((e: unknown) => { throw this.wrap(e); });
    }
    if (res.status !== 200) throw this.errorFor(res, 'check the registry API (GET /v2/)');
    const text = res.body.toString('utf8').trim();
    const apiHeader = header(res, 'docker-distribution-api-version');
    if (!apiHeader && text !== '' && !looksLikeJson(text)) {
      throw new RegistryError('protocol', `${this.registry} answered GET /v2/ with something that is not an OCI registry API (${describeBody(res)}). Check the address: it must point at the registry itself, not a web page or proxy login.`);
    }
    this.pinged = true;
  }

  get scheme(): string {
    return this.base.protocol.replace(':', '');
  }

  /** Makes sure `blob` is in the repository; reports transferred bytes through `onBytes`. */
  async pushBlob(blob: Blob, onBytes: (delta: number) => void, mountFrom: string[] = []): Promise<BlobOutcome> {
    if (await this.hasBlob(blob.digest, blob.size)) return 'exists';
    for (const from of mountFrom) {
      if (from === this.repository) continue;
      const scope = `repository:${from}:pull`;
      const added = !this.auth.scopes.has(scope);
      this.auth.scopes.add(scope);
      try {
        const res = await this.call({ method: 'POST', target: `/v2/${this.repository}/blobs/uploads/?mount=${encodeURIComponent(blob.digest)}&from=${encodeURIComponent(from)}`, headers: { 'Content-Length': '0' }, retry: true });
        if (res.status === 201) return 'mounted';
        if (res.status === 202) {
          // Mount refused: the registry opened an ordinary upload session instead; close it, start our own.
          const loc = header(res, 'location');
          if (loc) await this.deleteUpload(this.resolve(loc));
        }
      } catch (err) {
        if (isAbortError(err) || this.signal?.aborted) throw err;
        // A mount is only a shortcut (e.g. no pull right on the other repository): upload instead.
        if (added) this.auth.scopes.delete(scope);
      }
    }
    if (blob.size <= this.monolithicMax) await this.uploadMonolithic(blob, onBytes);
    else await this.uploadChunked(blob, onBytes);
    return 'uploaded';
  }

  async hasBlob(digest: string, size?: number): Promise<boolean> {
    const res = await this.call({ method: 'HEAD', target: `/v2/${this.repository}/blobs/${digest}`, retry: true });
    if (res.status === 404) return false;
    if (res.status !== 200) throw this.errorFor(res, `check blob ${digest}`);
    const len = header(res, 'content-length');
    if (size !== undefined && len !== undefined && Number(len) !== size) {
      throw new RegistryError('protocol', `${this.registry} reports blob ${digest} with ${len} bytes, expected ${size}. The registry's storage may be damaged; ask its administrator.`);
    }
    return true;
  }

  async putManifest(reference: string, mediaType: string, body: Buffer): Promise<string | undefined> {
    const res = await this.call({ method: 'PUT', target: `/v2/${this.repository}/manifests/${reference}`, headers: { 'Content-Type': mediaType }, body: () => body, retry: true });
    if (res.status !== 201) throw this.errorFor(res, `store the manifest under ${reference}`);
    return header(res, 'docker-content-digest');
  }

  async getManifest(reference: string): Promise<{ body: Buffer; mediaType: string | undefined; digest: string | undefined }> {
    const res = await this.call({ method: 'GET', target: `/v2/${this.repository}/manifests/${reference}`, headers: { Accept: `${OCI_MANIFEST}, application/vnd.oci.image.index.v1+json` }, retry: true });
    if (res.status !== 200) throw this.errorFor(res, `read the manifest ${this.repository}:${reference}`);
    return { body: res.body, mediaType: header(res, 'content-type'), digest: header(res, 'docker-content-digest') };
  }

  async getBlob(digest: string, maxBytes: number): Promise<Buffer> {
    const res = await this.call({ method: 'GET', target: `/v2/${this.repository}/blobs/${digest}`, retry: true, maxResponseBytes: maxBytes });
    if (res.status !== 200) throw this.errorFor(res, `read blob ${digest}`);
    return res.body;
  }

  /** Deletes the open upload session, if any (after a cancel); failures are ignored. */
  async abandonUpload(): Promise<void> {
    if (this.openUpload) await this.deleteUpload(this.openUpload);
  }

  private async deleteUpload(location: URL): Promise<void> {
    try {
      await sendRequest({ method: 'DELETE', url: location, headers: await this.authorizationFor(location), insecureTls: this.insecure, idleTimeoutMs: 10_000, ...(this.lookup ? { lookup: this.lookup } : {}) });
    } catch {
      // An orphan session expires on the registry by itself.
    }
    if (this.openUpload?.href === location.href) this.openUpload = undefined;
  }

  private async startUpload(): Promise<URL> {
    const res = await this.call({ method: 'POST', target: `/v2/${this.repository}/blobs/uploads/`, headers: { 'Content-Length': '0' }, retry: true });
    if (res.status !== 202) throw this.errorFor(res, 'start a blob upload');
    const loc = header(res, 'location');
    if (!loc) throw new RegistryError('protocol', `${this.registry} opened an upload without a Location header. It does not follow the OCI distribution API.`);
    this.openUpload = this.resolve(loc);
    return this.openUpload;
  }

  private async uploadMonolithic(blob: Blob, onBytes: (delta: number) => void): Promise<void> {
    for (let attempt = 0; ; attempt++) {
      const location = await this.startUpload();
      const url = withDigest(location, blob.digest);
      let sent = 0;
      try {
        const res = await this.call({
          method: 'PUT', target: url,
          headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) },
          body: () => counted(exactly(blob.source.open(0), blob.size), (n) => { sent += n; onBytes(n); }),
        });
        if (res.status === 201) { this.openUpload = undefined; this.checkDigest(res, blob.digest); return; }
        throw this.errorFor(res, `upload blob ${blob.digest}`);
      } catch (err) {
        onBytes(-sent);
        if (!this.shouldRetry(err, attempt)) throw this.wrap(err);
        await this.backoff(attempt, err);
      }
    }
  }

  private async uploadChunked(blob: Blob, onBytes: (delta: number) => void): Promise<void> {
    let location = await this.startUpload();
    let offset = 0;
    let failures = 0;
    let reader = new ChunkReader(blob.source.open(0));
    try {
      while (true) {
        try {
          if (offset < blob.size) {
            const end = Math.min(offset + this.chunkBytes, blob.size) - 1;
            const len = end - offset + 1;
            let sent = 0;
            const res = await this.call({
              method: 'PATCH', target: location,
              headers: { 'Content-Type': 'application/octet-stream', 'Content-Range': `${offset}-${end}`, 'Content-Length': String(len) },
              body: () => counted(reader.take(len), (n) => { sent += n; onBytes(n); }),
            }).catch((err: unknown) => { onBytes(-sent); throw err; });
            if (res.status !== 202) { onBytes(-sent); throw this.errorFor(res, `upload a chunk of blob ${blob.digest}`); }
            location = this.resolve(header(res, 'location') ?? location.href, location);
            this.openUpload = location;
            const reported = rangeEnd(header(res, 'range'));
            if (reported !== undefined && reported + 1 !== end + 1) {
              // The registry stored a different amount than sent: continue from what it has.
              onBytes(reported + 1 - (end + 1));
              offset = reported + 1;
              reader.close();
              reader = new ChunkReader(blob.source.open(offset));
            } else offset = end + 1;
            failures = 0;
            continue;
          }
          const res = await this.call({ method: 'PUT', target: withDigest(location, blob.digest), headers: { 'Content-Length': '0' } });
          if (res.status !== 201) throw this.errorFor(res, `finish the upload of blob ${blob.digest}`);
          this.openUpload = undefined;
          this.checkDigest(res, blob.digest);
          return;
        } catch (err) {
          if (!this.shouldRetry(err, failures)) throw this.wrap(err);
          await this.backoff(failures, err);
          failures++;
          const resumed = await this.resumePoint(location, failures);
          if (resumed) {
            this.log?.info(`Resuming upload of ${blob.digest.slice(0, 19)}… at byte ${resumed.offset} as reported by ${this.registry}.`);
            onBytes(resumed.offset - offset);
            location = resumed.location;
            offset = resumed.offset;
          } else {
            if (await this.hasBlob(blob.digest, blob.size).catch(() => false)) return;
            this.log?.info(`Upload session on ${this.registry} was lost; starting blob ${blob.digest.slice(0, 19)}… again.`);
            onBytes(-offset);
            location = await this.startUpload();
            offset = 0;
          }
          reader.close();
          reader = new ChunkReader(blob.source.open(offset));
        }
      }
    } finally {
      reader.close();
    }
  }

  /** `GET <location>`: where the registry says the upload stands, or undefined when the session is gone. */
  private async resumePoint(location: URL, failures: number): Promise<{ location: URL; offset: number } | undefined> {
    for (let attempt = failures; ; attempt++) {
      try {
        const res = await this.call({ method: 'GET', target: location });
        if (res.status === 204 || res.status === 200) {
          const end = rangeEnd(header(res, 'range'));
          return { location: this.resolve(header(res, 'location') ?? location.href, location), offset: end === undefined ? 0 : end + 1 };
        }
        if (res.status >= 500) throw this.errorFor(res, 'read the upload status');
        return undefined; // 404 BLOB_UPLOAD_UNKNOWN or 400 BLOB_UPLOAD_INVALID: start over
      } catch (err) {
        if (!this.shouldRetry(err, attempt)) throw this.wrap(err);
        await this.backoff(attempt, err);
      }
    }
  }

  private shouldRetry(err: unknown, attempt: number): boolean {
    if (isAbortError(err) || this.signal?.aborted) return false;
    return attempt < this.retries && isTransient(err);
  }

  private async backoff(attempt: number, err: unknown): Promise<void> {
    const ms = Math.min(8000, this.backoffMs * 2 ** attempt) * (0.75 + Math.random() * 0.5);
    const why = err instanceof TokenRenewed ? 'access token expired and was renewed' : err instanceof RegistryError ? `HTTP ${err.status ?? ''}`.trim() : socketErrorCode(err) ?? 'connection error';
    this.log?.warn(`${this.registry}: ${why}; retrying in ${Math.round(ms)} ms (attempt ${attempt + 2} of ${this.retries + 1}).`);
    await sleep(ms, this.signal);
  }

  private wrap(err: unknown): unknown {
    if (isAbortError(err)) return err;
    return describeNetworkError(err, `Registry ${this.registry}`);
  }

  /**
   * One request with auth (following at most one challenge) and, when `retry`, backoff on 5xx and
   * dropped connections. Returns any other answer for the caller to judge.
   */
  private async call(c: Call, noPingCheck = false): Promise<HttpResponse> {
    if (!this.pinged && !noPingCheck) await this.ping();
    const first = typeof c.target === 'string' ? new URL(c.target, this.base) : c.target;
    let challenges = 0;
    for (let attempt = 0; ; attempt++) {
      try {
        // Each attempt starts at the registry again: a redirect target (a signed URL) may have expired.
        const { res, url } = await this.sendFollowing(c, first);
        if (res.status === 401) {
          // Only the registry's own challenge is followed: another origin's realm would be handed the credentials.
          if (url.origin !== this.base.origin) throw this.foreignChallenge(url);
          // One challenge per request, plus one more when a token we sent was refused as expired/invalid.
          const allowed = challenges === 0 || (challenges === 1 && /error="?invalid_token/i.test(header(res, 'www-authenticate') ?? ''));
          if (allowed && (c.retry || !c.body) && (await this.auth.onUnauthorized(res, this.signal))) { challenges++; attempt--; continue; }
          // A chunk's body cannot be sent again from here: renew the token and let the upload loop resume.
          if (c.body && !c.retry && challenges === 0 && (await this.auth.onUnauthorized(res, this.signal))) throw new TokenRenewed('token renewed during an upload');
          throw this.errorFor(res, c.method === 'GET' && String(c.target) === '/v2/' ? 'sign in' : 'authenticate');
        }
        if (res.status >= 500 && c.retry && attempt < this.retries) { await this.backoff(attempt, new RegistryError('server', '', res.status)); continue; }
        if (res.status >= 500) throw this.errorFor(res, `${c.method} ${url.pathname}`);
        return res;
      } catch (err) {
        if (c.retry && this.shouldRetry(err, attempt) && !(err instanceof RegistryError && err.code !== 'server')) { await this.backoff(attempt, err); continue; }
        throw err;
      }
    }
  }

  /**
   * Sends `c` to `url`, following redirects of bodiless reads (a registry whose storage driver redirects blob
   * reads to S3, GCS…), at most 5; every hop gets credentials only when it is on the registry's origin.
   */
  private async sendFollowing(c: Call, start: URL): Promise<{ res: HttpResponse; url: URL }> {
    let url = start;
    for (let hops = 0; ; hops++) {
      const res = await sendRequest({
        method: c.method, url,
        headers: { ...c.headers, ...(await this.authorizationFor(url)) },
        ...(c.body ? { body: c.body() } : {}),
        ...(this.signal ? { signal: this.signal } : {}),
        ...(c.maxResponseBytes !== undefined ? { maxResponseBytes: c.maxResponseBytes } : {}),
        insecureTls: this.insecure,
        ...(this.lookup ? { lookup: this.lookup } : {}),
      });
      const location = header(res, 'location');
      const follow = REDIRECTS.has(res.status) && location !== undefined && !c.body && (c.method === 'GET' || c.method === 'HEAD');
      if (!follow) return { res, url };
      if (hops >= 5) throw new RegistryError('protocol', `${this.registry} redirected ${c.method} ${start.pathname} more than 5 times. Check the registry's storage configuration.`);
      url = this.resolve(location, url);
    }
  }

  private foreignChallenge(url: URL): RegistryError {
    return new RegistryError('auth', `${url.host}, another server than the registry ${this.registry}, asked for credentials (HTTP 401) for data the registry sent there. Trialbook sends credentials only to the registry itself (${this.base.origin}), as Docker does, so nothing was sent; the registry's storage must accept the URL the registry issued. Ask the registry's administrator.`, 401);
  }

  /** A `Location` header as a URL: relative ones resolve against the request that answered it (RFC 9110). */
  private resolve(location: string, relativeTo: URL = this.base): URL {
    let url: URL;
    try {
      url = new URL(location, relativeTo);
    } catch {
      throw new RegistryError('protocol', `${this.registry} answered with a Location that is not a URL. It does not follow the OCI distribution API.`);
    }
    if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new RegistryError('protocol', `${this.registry} answered with a Location of scheme ${url.protocol} (only http and https are spoken).`);
    return url;
  }

  /**
   * The Authorization header for a request to `url`: only for the registry's own origin (scheme, host, port), as
   * Docker and the OCI distribution clients do. Upload locations and redirects on another origin (a storage
   * backend with signed URLs) get none.
   */
  private async authorizationFor(url: URL): Promise<Record<string, string>> {
    if (url.origin !== this.base.origin) return {};
    const authz = await this.auth.header(this.signal);
    return authz ? { Authorization: authz } : {};
  }

  private checkDigest(res: HttpResponse, expected: string): void {
    const got = header(res, 'docker-content-digest');
    if (got && got !== expected) throw new RegistryError('protocol', `${this.registry} stored blob ${expected} as ${got}: the data changed in transit. Try the push again.`);
  }

  errorFor(res: HttpResponse, action: string): RegistryError {
    return registryHttpError(res, this.registry, this.repository, action);
  }
}
