// MLflow REST 2.0 client: JSON calls with `{error_code, message}` errors, and streamed artifact uploads
// through the server's artifact proxy.
import { RegistryError, describeNetworkError, isTransient } from './errors';
import { header, isAbortError, sendRequest, sleep, type HttpResponse, type RequestBody } from './http';
import type { Credentials, PushLog } from './types';

export class MlflowApiError extends RegistryError {
  constructor(code: ConstructorParameters<typeof RegistryError>[0], message: string, status: number, readonly errorCode: string) {
    super(code, message, status);
  }
}

export class MlflowClient {
  private readonly base: URL;

  constructor(
    readonly trackingUri: string,
    private readonly credentials: Credentials,
    private readonly log?: PushLog,
    private readonly signal?: AbortSignal,
    private readonly retries = 4,
  ) {
    this.base = new URL(trackingUri.endsWith('/') ? trackingUri : `${trackingUri}/`);
  }

  private authHeader(): Record<string, string> {
    const c = this.credentials;
    if (c.kind === 'token') return { Authorization: `Bearer ${c.token}` };
    if (c.kind === 'basic') return { Authorization: `Basic ${Buffer.from(`${c.username}:${c.password}`).toString('base64')}` };
    return {};
  }

  /** `GET|POST api/2.0/mlflow/<endpoint>`; resolves to the parsed JSON answer. */
  async call<T>(method: 'GET' | 'POST', endpoint: string, payload: Record<string, unknown> = {}): Promise<T> {
    const url = new URL(`api/2.0/mlflow/${endpoint}`, this.base);
    if (method === 'GET') for (const [k, v] of Object.entries(payload)) url.searchParams.set(k, String(v));
    const body = method === 'POST' ? Buffer.from(JSON.stringify(payload)) : undefined;
    const res = await this.send(method, url, { 'Content-Type': 'application/json' }, body ? () => body : undefined);
    if (res.status !== 200) throw this.errorFor(res, endpoint);
    try {
      return JSON.parse(res.body.toString('utf8') || '{}') as T;
    } catch {
      throw new RegistryError('protocol', `MLflow server ${this.trackingUri} answered ${endpoint} with something that is not JSON. Check that the address is the tracking server itself.`);
    }
  }

  /** Server version (`GET /version`), or undefined when the server does not say. */
  async version(): Promise<string | undefined> {
    try {
      const res = await this.send('GET', new URL('version', this.base), {}, undefined);
      const text = res.body.toString('utf8').trim();
      return res.status === 200 && /^\d+\.\d+/.test(text) ? text : undefined;
    } catch (err) {
      if (isAbortError(err)) throw err;
      return undefined;
    }
  }

  /** PUT of one artifact through the proxy (`mlflow-artifacts:/<path>` → `api/2.0/mlflow-artifacts/artifacts/<path>`). */
  async putArtifact(artifactPath: string, size: number, body: () => RequestBody, onRestart: () => void): Promise<void> {
    const encoded = artifactPath.split('/').map(encodeURIComponent).join('/');
    const url = new URL(`api/2.0/mlflow-artifacts/artifacts/${encoded}`, this.base);
    const res = await this.send('PUT', url, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) }, body, onRestart);
    if (res.status !== 200 && res.status !== 201 && res.status !== 204) throw this.errorFor(res, `upload artifact ${artifactPath}`);
  }

  private async send(method: string, url: URL, headers: Record<string, string>, body: (() => RequestBody) | undefined, onRestart?: () => void): Promise<HttpResponse> {
    for (let attempt = 0; ; attempt++) {
      try {
        const res = await sendRequest({ method, url, headers: { ...headers, ...this.authHeader() }, ...(body ? { body: body() } : {}), ...(this.signal ? { signal: this.signal } : {}) });
        if (res.status >= 300 && res.status < 400) throw this.redirectError(res, url);
        if (res.status >= 500 && res.status !== 501 && attempt < this.retries) { await this.backoff(attempt, `HTTP ${res.status}`); onRestart?.(); continue; }
        return res;
      } catch (err) {
        if (!isAbortError(err) && !this.signal?.aborted && isTransient(err) && attempt < this.retries) { await this.backoff(attempt, (err as { code?: string }).code ?? 'connection error'); onRestart?.(); continue; }
        if (isAbortError(err)) throw err;
        throw describeNetworkError(err, `MLflow server ${this.trackingUri}`);
      }
    }
  }

  /**
   * Redirects are not followed: the request carries the credentials (which belong to this server's origin only)
   * and a streamed upload could not be sent twice. The message names where the server pointed, without its path.
   */
  private redirectError(res: HttpResponse, url: URL): RegistryError {
    let where = 'an address it did not give';
    try {
      const to = new URL(header(res, 'location') ?? '', url);
      where = to.origin === url.origin ? `${to.pathname} on the same server` : `another server, ${to.origin}`;
    } catch { /* described as unknown */ }
    return new RegistryError('protocol', `MLflow server ${this.trackingUri} answered ${url.pathname} with a redirect (HTTP ${res.status}) to ${where}. Trialbook does not follow redirects, so credentials never go elsewhere: if the server moved, set the tracking URI to its new address (e.g. https:// instead of http://).`, res.status);
  }

  private async backoff(attempt: number, why: string): Promise<void> {
    const ms = Math.min(8000, 250 * 2 ** attempt);
    this.log?.warn(`MLflow server ${this.trackingUri}: ${why}; retrying in ${ms} ms.`);
    await sleep(ms, this.signal);
  }

  errorFor(res: HttpResponse, what: string): RegistryError {
    let code = '';
    let message = '';
    try {
      const parsed = JSON.parse(res.body.toString('utf8')) as { error_code?: unknown; message?: unknown };
      code = typeof parsed.error_code === 'string' ? parsed.error_code : '';
      message = typeof parsed.message === 'string' ? parsed.message.slice(0, 500) : '';
    } catch { /* not JSON: described below */ }
    const where = `MLflow server ${this.trackingUri}`;
    if (res.status === 401) return new MlflowApiError('auth', `${where} rejected the credentials (HTTP 401) for ${what}. Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN (or update the registry's stored credentials).`, 401, code || 'UNAUTHENTICATED');
    if (res.status === 403) return new MlflowApiError('denied', `${where} denied ${what} (HTTP 403${code ? `, ${code}` : ''}). The account needs permission to edit this experiment and model.`, 403, code || 'PERMISSION_DENIED');
    if (!code) {
      const type = (header(res, 'content-type') ?? 'no content type').split(';')[0] ?? '';
      return new RegistryError(res.status >= 500 ? 'server' : 'protocol', `${where} answered ${what} with HTTP ${res.status} (${type}) and no MLflow error. Check that the address is the tracking server (e.g. http://host:5000) and that it runs with the model registry and --serve-artifacts.`, res.status);
    }
    const kind = res.status === 404 ? 'not-found' : res.status >= 500 ? 'server' : 'rejected';
    return new MlflowApiError(kind, `${where} refused ${what}: ${code}: ${message}`, res.status, code);
  }
}
