// Registry auth: Basic, and the Bearer token flow (WWW-Authenticate challenge → token endpoint).
import type { LookupFunction } from 'node:net';
import { RegistryError } from './errors';
import { header, sendRequest, type HttpResponse } from './http';
import type { Credentials } from './types';

export interface Challenge {
  scheme: string;
  params: Record<string, string>;
}

/** Parses `Bearer realm="…",service="…",scope="…"` (quoted values may hold commas). */
export function parseChallenge(value: string): Challenge | undefined {
  const m = /^\s*(\w+)\s*(.*)$/s.exec(value);
  if (!m) return undefined;
  const params: Record<string, string> = {};
  const re = /([\w-]+)\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^,\s]*))/g;
  let p: RegExpExecArray | null;
  while ((p = re.exec(m[2] ?? '')) !== null) params[(p[1] ?? '').toLowerCase()] = (p[2] ?? p[3] ?? '').replace(/\\(.)/g, '$1');
  return { scheme: (m[1] ?? '').toLowerCase(), params };
}

interface BearerState {
  realm: string;
  service?: string;
  token?: string;
  /** Epoch ms after which the token is refreshed before use. */
  refreshAt: number;
}

export class RegistryAuth {
  private scheme: 'none' | 'basic' | 'bearer' = 'none';
  private bearer: BearerState | undefined;
  readonly scopes = new Set<string>();

  constructor(
    private readonly credentials: Credentials,
    /** Registry name for messages. */
    private readonly registry: string,
    private readonly insecureTls: boolean,
    private readonly lookup?: LookupFunction,
  ) {}

  /** Authorization header for the next request, fetching or refreshing a token when due. */
  async header(signal?: AbortSignal): Promise<string | undefined> {
    if (this.scheme === 'basic') return this.basicHeader();
    if (this.scheme === 'bearer' && this.bearer) {
      if (!this.bearer.token || Date.now() >= this.bearer.refreshAt) await this.fetchToken(signal);
      return `Bearer ${this.bearer.token ?? ''}`;
    }
    if (this.credentials.kind === 'token') return `Bearer ${this.credentials.token}`;
    return undefined;
  }

  /**
   * Handles a 401 by following its challenge (an expired token is fetched anew); returns false when
   * retrying cannot help. Callers follow at most one challenge per request, so a second 401 means rejected credentials.
   */
  async onUnauthorized(res: HttpResponse, signal?: AbortSignal): Promise<boolean> {
    const challenge = parseChallenge(header(res, 'www-authenticate') ?? '');
    if (challenge?.scheme === 'basic') {
      if (this.scheme === 'basic' || this.credentials.kind !== 'basic') return false;
      this.scheme = 'basic';
      return true;
    }
    if (challenge?.scheme === 'bearer') {
      const realm = challenge.params['realm'];
      if (!realm) throw new RegistryError('protocol', `Registry ${this.registry} asked for a Bearer token but named no token endpoint (realm). Check the registry's auth configuration.`);
      for (const s of (challenge.params['scope'] ?? '').split(' ').filter(Boolean)) this.scopes.add(s);
      this.scheme = 'bearer';
      this.bearer = { realm, ...(challenge.params['service'] !== undefined ? { service: challenge.params['service'] } : {}), refreshAt: 0 };
      await this.fetchToken(signal);
      return true;
    }
    return false;
  }


  private basicHeader(): string | undefined {
    if (this.credentials.kind !== 'basic') return undefined;
    return `Basic ${Buffer.from(`${this.credentials.username}:${this.credentials.password}`).toString('base64')}`;
  }

  private async fetchToken(signal?: AbortSignal): Promise<void> {
    const state = this.bearer;
    if (!state) return;
    let url: URL;
    try {
      url = new URL(state.realm);
    } catch {
      throw new RegistryError('protocol', `Registry ${this.registry} named a token endpoint that is not a URL. Check the registry's auth configuration.`);
    }
    if (state.service !== undefined) url.searchParams.set('service', state.service);
    for (const scope of this.scopes) url.searchParams.append('scope', scope);
    const headers: Record<string, string> = {};
    const basic = this.basicHeader();
    if (basic) headers['Authorization'] = basic;
    else if (this.credentials.kind === 'token') headers['Authorization'] = `Bearer ${this.credentials.token}`;
    const res = await sendRequest({ method: 'GET', url, headers, maxResponseBytes: 1024 * 1024, insecureTls: this.insecureTls, ...(signal ? { signal } : {}), ...(this.lookup ? { lookup: this.lookup } : {}) });
    const where = `${url.protocol}//${url.host}${url.pathname}`;
    if (res.status === 401 || res.status === 403) {
      throw new RegistryError('auth', `Registry ${this.registry}: the token service ${where} rejected the credentials (HTTP ${res.status}). Check the username and password or token (or log in again with docker login).`, res.status);
    }
    if (res.status !== 200) throw new RegistryError('protocol', `Registry ${this.registry}: the token service ${where} answered HTTP ${res.status}. Check the registry's auth configuration or try again later.`, res.status);
    let body: { token?: unknown; access_token?: unknown; expires_in?: unknown };
    try {
      body = JSON.parse(res.body.toString('utf8')) as typeof body;
    } catch {
      throw new RegistryError('protocol', `Registry ${this.registry}: the token service ${where} did not answer JSON. Check the registry's auth configuration.`);
    }
    const token = typeof body.token === 'string' ? body.token : typeof body.access_token === 'string' ? body.access_token : undefined;
    if (!token) throw new RegistryError('protocol', `Registry ${this.registry}: the token service ${where} answered without a token. Check the registry's auth configuration.`);
    // Default lifetime 60 s (Distribution's token spec); refresh a little early to avoid using a just-expired token.
    const expiresIn = typeof body.expires_in === 'number' && body.expires_in > 0 ? body.expires_in : 60;
    state.token = token;
    state.refreshAt = Date.now() + Math.max(1, expiresIn - Math.min(30, expiresIn / 4)) * 1000;
  }
}
