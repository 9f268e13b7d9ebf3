// Reading an OCI registry's answers: its error bodies, and whether an answer is the registry API at all.
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
