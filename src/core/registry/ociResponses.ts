// Reading an OCI registry's answers: its error bodies, whether an answer is the registry API at all, and errors in words.
import { RegistryError } from './errors';
import { header, type HttpResponse } from './http';

/** `{"errors":[{"code","message"}]}` → `: CODE: message`, bounded. */
export function registryErrorDetail(res: HttpResponse): string {
  try {
    const parsed = JSON.parse(res.body.toString('utf8')) as { errors?: { code?: unknown; message?: unknown }[] };
    const first = parsed.errors?.[0];
    if (!first) return '';
    return `: ${String(first.code ?? '')}${first.message ? `: ${String(first.message).slice(0, 200)}` : ''}`;
  } catch {
    return '';
  }
}

export function looksLikeJson(text: string): boolean {
  const t = text.trim();
  if (!t.startsWith('{') && !t.startsWith('[')) return false;
  try { JSON.parse(t); return true; } catch { return false; }
}

export function describeBody(res: HttpResponse): string {
  const type = header(res, 'content-type') ?? 'no content type';
  const text = res.body.toString('utf8');
  const kind = /<html|<!doctype/i.test(text) ? 'an HTML page' : `${res.body.length} bytes`;
  return `${kind}, ${type.split(';')[0]}`;
}

/** A registry answer that ended an action, in words: what happened and what to do. */
export function registryHttpError(res: HttpResponse, registry: string, repository: string, action: string): RegistryError {
  const where = `${registry}/${repository}`;
  const detail = registryErrorDetail(res);
  switch (true) {
    case res.status === 401:
      return new RegistryError('auth', `Registry ${registry} rejected the credentials (HTTP 401) when trying to ${action} for ${repository}${detail}. Check the username and password or token, or log in again (docker login ${registry}).`, 401);
    case res.status === 403:
      return new RegistryError('denied', `Registry ${registry} denied access to ${repository} (HTTP 403)${detail}. The account needs push permission on this repository.`, 403);
    case res.status === 404 && !detail:
      return new RegistryError('not-found', `Registry ${registry} has no ${where} or does not speak the OCI distribution API (HTTP 404 when trying to ${action}). Check the address and repository name.`, 404);
    case res.status >= 500:
      return new RegistryError('server', `Registry ${registry} failed with HTTP ${res.status} when trying to ${action}${detail}. The server has a problem; try again later or ask its administrator.`, res.status);
    case !detail && !/json/i.test(header(res, 'content-type') ?? '') && !looksLikeJson(res.body.toString('utf8')):
      return new RegistryError('protocol', `${registry} answered HTTP ${res.status} with something that is not the OCI registry API (${describeBody(res)}) when trying to ${action}. Check that the address points at the registry itself.`, res.status);
    default:
      return new RegistryError('rejected', `Registry ${registry} refused to ${action} for ${repository} (HTTP ${res.status})${detail}.`, res.status);
  }
}
