// The MLflow REST calls a sync makes, with the sync's own retry policy: 429 and 5xx answers and dropped
// connections are retried with exponential backoff (honouring Retry-After), up to a time budget; wrong
// credentials, refusals and a missing endpoint are never retried. Errors are RegistryErrors (they name the
// server and say what to do) so the CLI and the extension report them as they report pushes.
import { RegistryError, describeNetworkError, isTransient } from '../registry/errors';
import { header, isAbortError, sendRequest, sleep, type HttpResponse, type RequestBody } from '../registry/http';
import { MlflowApiError, MlflowClient } from '../registry/mlflowClient';
import type { Credentials } from '../registry/types';

export interface RetryPolicy {
  /** First backoff; doubled per attempt up to maxDelayMs. */
  baseDelayMs: number;
  maxDelayMs: number;
  /** A call gives up (and the sync stops, resumable) after retrying for this long. */
  budgetMs: number;
  /** Milliseconds without an answer before a request counts as failed (and is retried). */
  timeoutMs: number;
}

export const DEFAULT_RETRY: RetryPolicy = { baseDelayMs: 500, maxDelayMs: 30_000, budgetMs: 5 * 60_000, timeoutMs: 60_000 };

export interface SyncApiOptions {
  credentials: Credentials;
  retry?: Partial<RetryPolicy>;
  signal?: AbortSignal;
  /** Told about each retry (what failed, the wait). */
  onRetry?: (why: string, waitMs: number) => void;
}

/** An endpoint the server does not have (an older MLflow): the caller degrades. */
export class MissingEndpointError extends RegistryError {
  constructor(readonly endpoint: string, server: string) {
    super('not-found', `MLflow server ${server} has no ${endpoint} endpoint (an older MLflow version); Trialbook leaves out what needs it.`, 404);
  }
}

function isMissingEndpoint(res: HttpResponse): boolean {
  if (res.status !== 404 && res.status !== 405 && res.status !== 501) return false;
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as { error_code?: unknown };
    // A 404 with an MLflow error code other than ENDPOINT_NOT_FOUND is about the resource, not the endpoint.
    return parsed.error_code === 'ENDPOINT_NOT_FOUND';
  } catch {
    return true;
  }
}

/** A transient failure of a call made with `retry: false`: the caller decides how to retry. */
export class TransientError extends RegistryError {}

/** HTTP 413 for an upload: the file is not sent (the run is tagged so), and not retried. */
export class TooLargeError extends RegistryError {
  constructor(message: string) {
    super('rejected', message, 413);
  }
}

/** Seconds or an HTTP date in Retry-After, as milliseconds from now. */
export function retryAfterMs(value: string | undefined, now = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  if (/^\d+(\.\d+)?$/.test(value.trim())) return Number(value) * 1000;
  const at = Date.parse(value);
  return Number.isNaN(at) ? undefined : Math.max(0, at - now);
}

export class SyncApi {
  readonly client: MlflowClient;
  private readonly base: URL;
  private readonly retry: RetryPolicy;
  /** Requests answered (any status) and retries made, for the status line and tests. */
  requests = 0;
  retries = 0;

  constructor(readonly trackingUri: string, private readonly options: SyncApiOptions) {
    this.client = new MlflowClient(trackingUri, options.credentials, undefined, options.signal, 0);
    this.base = new URL(trackingUri.endsWith('/') ? trackingUri : `${trackingUri}/`);
    this.retry = { ...DEFAULT_RETRY, ...options.retry };
  }

  private authHeader(): Record<string, string> {
    const c = this.options.credentials;
    if (c.kind === 'token') return { Authorization: `Bearer ${c.token}` };
    if (c.kind === 'basic') return { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` };
    return {};
  }

  /**
   * One call, retried while the failure is transient. A POST is only retried when sending it twice is harmless:
   * every call a sync makes is (see docs/team-sync.md, "Why a point is never on the server twice").
   */
  async call<T>(method: 'GET' | 'POST', endpoint: string, payload: Record<string, unknown> = {}, opts: { retry?: boolean } = {}): Promise<T> {
    return parseJson<T>(await this.callText(method, endpoint, payload, opts), this.trackingUri, endpoint);
  }

  /** `call`, answering the body's text unparsed (a big answer is parsed a piece at a time by the caller). */
  async callText(method: 'GET' | 'POST', endpoint: string, payload: Record<string, unknown> = {}, opts: { retry?: boolean } = {}): Promise<string> {
    const retry = opts.retry ?? true;
    const url = new URL(`api/2.0/mlflow/${endpoint}`, this.base);
    if (method === 'GET') {
      for (const [k, v] of Object.entries(payload)) {
        if (Array.isArray(v)) for (const x of v) url.searchParams.append(k, String(x));
        else if (v !== undefined) url.searchParams.set(k, String(v));
      }
    }
    const body = method === 'POST' ? Buffer.from(JSON.stringify(payload)) : undefined;
    const res = await this.retried(endpoint, endpoint, retry, () => sendRequest({
      method, url, headers: { 'Content-Type': 'application/json', ...this.authHeader() }, idleTimeoutMs: this.retry.timeoutMs,
      ...(body ? { body } : {}), ...(this.options.signal ? { signal: this.options.signal } : {}),
    }), (r) => r.status === 200);
    return res.body.toString('utf8');
  }

  /**
   * Sends a request until it is answered, retrying while the failure is transient (429, 5xx, dropped connections)
   * within the time budget; `accepted` answers are returned, everything else becomes a RegistryError that names
   * `what`. `endpoint` names the API in a MissingEndpointError. `tooLarge` turns a 413 into a TooLargeError.
   */
  private async retried(what: string, endpoint: string, retry: boolean, send: () => Promise<HttpResponse>,
    accepted: (res: HttpResponse) => boolean, tooLarge = false): Promise<HttpResponse> {
    const server = `MLflow server ${this.trackingUri}`;
    const started = Date.now();
    for (let attempt = 0; ; attempt++) {
      let why: string;
      let wait: number | undefined;
      try {
        const res = await send();
        this.requests++;
        if (accepted(res)) return res;
        if (res.status === 401 || res.status === 403) throw this.client.errorFor(res, what);
        if (res.status >= 300 && res.status < 400) throw new RegistryError('protocol', `${server} answered ${what} with a redirect (HTTP ${res.status}). Trialbook does not follow redirects, so credentials never go elsewhere: set the server address to where it moved (e.g. https:// instead of http://).`, res.status);
        if (tooLarge && res.status === 413) throw new TooLargeError(`${server} (or a proxy in front of it) refused ${what}: too large (HTTP 413)`);
        if (isMissingEndpoint(res)) throw new MissingEndpointError(endpoint, this.trackingUri);
        if (res.status !== 429 && res.status < 500) throw this.client.errorFor(res, what);
        why = `HTTP ${res.status}`;
        wait = retryAfterMs(header(res, 'retry-after'));
        if (!retry) throw new TransientError('server', this.client.errorFor(res, what).message, res.status);
        if (Date.now() - started >= this.retry.budgetMs) {
          const err = this.client.errorFor(res, what);
          throw new RegistryError(res.status === 429 ? 'server' : err.code, `${err.message} (still failing after ${attempt + 1} attempts over ${Math.round((Date.now() - started) / 1000)} s; the sync stops here and resumes where it stopped next time)`, res.status);
        }
      } catch (err) {
        if (err instanceof RegistryError || isAbortError(err) || this.options.signal?.aborted) throw err;
        if (!isTransient(err)) throw describeNetworkError(err, server);
        if (!retry) throw new TransientError('unreachable', describeNetworkError(err, server).message);
        if (Date.now() - started >= this.retry.budgetMs) {
          const described = describeNetworkError(err, server);
          throw new RegistryError(described.code, `${described.message} (the sync stops here and resumes where it stopped next time)`);
        }
        why = (err as { code?: string }).code ?? 'connection error';
      }
      await this.pause(attempt, why, wait);
    }
  }

  /**
   * One artifact's bytes through the server's artifact proxy (`GET api/2.0/mlflow-artifacts/artifacts/<path>`), on
   * this server's origin with its login (never redirected elsewhere); at most `maxBytes`.
   */
  async getArtifact(artifactPath: string, maxBytes: number): Promise<Buffer> {
    const encoded = artifactPath.split('/').map(encodeURIComponent).join('/');
    const url = new URL(`api/2.0/mlflow-artifacts/artifacts/${encoded}`, this.base);
    const what = `artifact ${artifactPath}`;
    let res: HttpResponse;
    try {
      res = await sendRequest({ method: 'GET', url, headers: this.authHeader(), idleTimeoutMs: this.retry.timeoutMs, maxResponseBytes: maxBytes, ...(this.options.signal ? { signal: this.options.signal } : {}) });
    } catch (err) {
      if (err instanceof RegistryError || isAbortError(err)) throw err;
      throw describeNetworkError(err, `MLflow server ${this.trackingUri}`);
    }
    this.requests++;
    if (res.status === 200) return res.body;
    if (res.status >= 300 && res.status < 400) throw new RegistryError('protocol', `MLflow server ${this.trackingUri} answered ${what} with a redirect (HTTP ${res.status}). Trialbook does not follow redirects, so credentials never go elsewhere.`, res.status);
    if (isMissingEndpoint(res)) throw new MissingEndpointError('mlflow-artifacts', this.trackingUri);
    throw this.client.errorFor(res, what);
  }

  /**
   * Uploads one file through the server's artifact proxy (`PUT api/2.0/mlflow-artifacts/artifacts/<path>`, the body
   * the raw bytes; MLflow answers 200 `{}` and a PUT to the same path replaces the file, so sending it again after
   * a lost answer is harmless). Retried as `call` is (429, 5xx, dropped connections, within the budget), the body
   * opened afresh each time; 413 (the server or a proxy in front of it takes no body that large) is a
   * `TooLargeError`, never retried.
   */
  async putArtifact(artifactPath: string, size: number, body: () => RequestBody): Promise<void> {
    const encoded = artifactPath.split('/').map(encodeURIComponent).join('/');
    const url = new URL(`api/2.0/mlflow-artifacts/artifacts/${encoded}`, this.base);
    const what = `upload of artifact ${artifactPath}`;
    await this.retried(what, 'mlflow-artifacts', true, () => sendRequest({
      method: 'PUT', url, headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size), ...this.authHeader() },
      body: body(), idleTimeoutMs: this.retry.timeoutMs, ...(this.options.signal ? { signal: this.options.signal } : {}),
    }), (res) => res.status === 200 || res.status === 201 || res.status === 204, true);
  }

  /** The wait before retry number `attempt + 1`: exponential with jitter, or what the server asked for. */
  async pause(attempt: number, why: string, wait?: number): Promise<void> {
    const backoff = Math.min(this.retry.maxDelayMs, this.retry.baseDelayMs * 2 ** Math.min(attempt, 20));
    // Jitter spreads the retries of several clients hit by the same 429 storm.
    const ms = Math.min(this.retry.maxDelayMs, wait ?? backoff * (0.5 + Math.random() / 2));
    this.retries++;
    this.options.onRetry?.(why, ms);
    await sleep(ms, this.options.signal);
  }
}

function parseJson<T>(text: string, server: string, endpoint: string): T {
  try {
    return JSON.parse(text || '{}') as T;
  } catch {
    throw notJson(server, endpoint);
  }
}

/** The error for an answer that is not JSON (a proxy's page, another service at that address). */
export function notJson(server: string, endpoint: string): RegistryError {
  return new RegistryError('protocol', `MLflow server ${server} answered ${endpoint} with something that is not JSON. Check that the address is the tracking server itself.`);
}

export function isAlreadyExists(err: unknown): boolean {
  return err instanceof MlflowApiError && err.errorCode === 'RESOURCE_ALREADY_EXISTS';
}

export function isNotFound(err: unknown): boolean {
  return err instanceof MlflowApiError && err.errorCode === 'RESOURCE_DOES_NOT_EXIST';
}
