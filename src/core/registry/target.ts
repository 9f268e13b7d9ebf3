// Push destinations as written by users: `oci://host[:port]/repo:tag`, `mlflow://host[:port][/prefix]/<model>`.
import { RegistryError } from './errors';
import type { MlflowTarget, OciTarget, PushTarget } from './types';

const REPO_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

export function parseOciTarget(text: string, insecure = false): OciTarget {
  const rest = text.replace(/^oci:\/\//, '');
  const slash = rest.indexOf('/');
  if (slash <= 0) throw new RegistryError('input', `"${text}" is not an OCI target. Write it as oci://<registry host[:port]>/<repository>:<tag>, e.g. oci://ghcr.io/team/churn-model:1.4.0.`);
  const registry = rest.slice(0, slash);
  const nameAndTag = rest.slice(slash + 1);
  const colon = nameAndTag.lastIndexOf(':');
  if (colon < 0) throw new RegistryError('input', `"${text}" has no tag. Add the version after a colon, e.g. ${text}:1.0.0.`);
  const repository = nameAndTag.slice(0, colon);
  const tag = nameAndTag.slice(colon + 1);
  if (!/^[A-Za-z0-9.-]+(:\d+)?$|^\[[0-9a-fA-F:]+\](:\d+)?$/.test(registry)) throw new RegistryError('input', `"${registry}" is not a registry host. Write host or host:port, e.g. ghcr.io or localhost:5000.`);
  if (!REPO_RE.test(repository)) throw new RegistryError('input', `"${repository}" is not a valid repository name: use lowercase letters, digits and . _ - separators, with / between path parts.`);
  if (!isValidTag(tag)) throw new RegistryError('input', `"${tag}" is not a valid tag: use letters, digits, _ . - (at most 128, not starting with . or -).`);
  return { kind: 'oci', registry, repository, tag, insecure };
}

export function parseMlflowTarget(text: string): MlflowTarget {
  const m = /^mlflow(?:\+(https?))?:\/\/([^/?#]+)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(text);
  const pathPart = m?.[3] ?? '';
  const segments = pathPart.split('/').filter(Boolean);
  if (!m || segments.length === 0) throw new RegistryError('input', `"${text}" is not an MLflow target. Write it as mlflow://<host[:port]>/<registered model name> (HTTPS) or mlflow+http://<host[:port]>/<model name> (plain HTTP).`);
  if (/@/.test(m[2] ?? '')) throw new RegistryError('input', 'Put MLflow credentials in MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN, not in the target address.');
  const scheme = m[1] ?? 'https';
  const modelName = decodeURIComponent(segments[segments.length - 1] ?? '');
  const prefix = segments.slice(0, -1).join('/');
  const query = new URLSearchParams(m[4] ?? '');
  const experiment = query.get('experiment');
  return {
    kind: 'mlflow',
    trackingUri: `${scheme}://${m[2] ?? ''}${prefix ? `/${prefix}` : ''}`,
    modelName,
    ...(experiment ? { experiment } : {}),
  };
}

export function parseTarget(text: string, opts: { insecure?: boolean } = {}): PushTarget {
  if (text.startsWith('oci://')) return parseOciTarget(text, opts.insecure ?? false);
  if (/^mlflow(\+https?)?:\/\//.test(text)) return parseMlflowTarget(text);
  throw new RegistryError('input', `"${text}" is not a push target. Use oci://<host>/<repository>:<tag> or mlflow://<host>/<model name> (mlflow+http:// for plain HTTP).`);
}

/** The registry as recorded with a push and shown to people (no credentials, no query). */
export function describeTarget(target: PushTarget): string {
  return target.kind === 'oci' ? `${target.registry}/${target.repository}:${target.tag}` : `${target.trackingUri} (model ${target.modelName})`;
}
