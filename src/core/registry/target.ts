// Push destinations as written by users: `oci://host[:port]/repo:tag`, `mlflow://host[:port][/prefix]/<model>`.
import { RegistryError } from './errors';
import type { MlflowTarget, OciTarget, PushTarget } from './types';

const REPO_RE = /^[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*(?:\/[a-z0-9]+(?:(?:\.|_|__|-+)[a-z0-9]+)*)*$/;
const TAG_RE = /^[A-Za-z0-9_][A-Za-z0-9._-]{0,127}$/;

export function isValidTag(tag: string): boolean {
  return TAG_RE.test(tag);
}

const MLFLOW_ALIAS_RE = /^[\w-]+$/;

/** What is wrong with `alias` as a second tag (OCI) or an MLflow alias, or undefined when it is fine. */
export function aliasProblem(kind: PushTarget['kind'], alias: string): string | undefined {
  if (kind === 'oci') return isValidTag(alias) ? undefined : `Alias "${alias}" is not a valid tag: use letters, digits, _ . - (at most 128, not starting with . or -).`;
  if (!MLFLOW_ALIAS_RE.test(alias)) return `MLflow alias "${alias}" is not valid: use letters, digits, _ and -.`;
  if (alias.toLowerCase() === 'latest' || /^v\d+$/i.test(alias)) return `MLflow reserves the alias "${alias}"; choose another (e.g. staging, champion).`;
  return undefined;
}

export function checkAlias(kind: PushTarget['kind'], alias: string | undefined): void {
  const problem = alias === undefined ? undefined : aliasProblem(kind, alias);
  if (problem) throw new RegistryError('input', problem);
}

const OCI_FORM = 'Write it as oci://<registry host[:port]>/<repository>:<tag>, e.g. oci://ghcr.io/team/churn-model:1.4.0.';
const MLFLOW_FORM = 'Write it as mlflow://<host[:port]>/<registered model name> (HTTPS) or mlflow+http://<host[:port]>/<model name> (plain HTTP).';

function input(message: string): RegistryError {
  return new RegistryError('input', message);
}

/**
 * Checks `host[:port]` as written in a target: a DNS name or IPv4 address (dot-separated labels of letters,
 * digits and -), or an IPv6 address in brackets; a port from 1 to 65535. `what` names it in messages.
 */
export function checkHostPort(hostPort: string, what: string): void {
  if (hostPort.includes('@')) throw input(`The ${what} address holds credentials (user@ or user:password@); credentials do not belong in the target. ${what === 'MLflow server' ? 'Set MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD, or MLFLOW_TRACKING_TOKEN' : 'Set TRIALBOOK_REGISTRY_USERNAME and TRIALBOOK_REGISTRY_PASSWORD (or TRIALBOOK_REGISTRY_TOKEN), or use docker login'} (in VS Code: Add Registry… keeps them in secret storage).`);
  const m = /^(\[[0-9a-fA-F:.]+\]|[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)*)(?::(\d+))?$/.exec(hostPort);
  if (!m) throw input(`"${hostPort}" is not a ${what === 'registry' ? 'registry host' : 'host'}. Write host or host:port, e.g. ${what === 'registry' ? 'ghcr.io or localhost:5000' : 'mlflow.example.com or 127.0.0.1:5000'}.`);
  const port = m[2];
  if (port !== undefined && (port.length > 5 || Number(port) < 1 || Number(port) > 65535)) {
    throw input(`The ${what} port ${port} in "${hostPort}" is out of range: a port is a number from 1 to 65535.`);
  }
}

export function parseOciTarget(text: string, insecure = false): OciTarget {
  const rest = text.replace(/^oci:\/\//, '');
  const slash = rest.indexOf('/');
  const registry = slash < 0 ? rest : rest.slice(0, slash);
  if (registry === '') throw input(`"${text}" names no registry. ${OCI_FORM}`);
  // The host first: a message about anything else would echo a password written before the @.
  checkHostPort(registry, 'registry');
  const nameAndTag = slash < 0 ? '' : rest.slice(slash + 1);
  if (nameAndTag === '' || nameAndTag.startsWith(':')) throw input(`"${text}" has no repository. ${OCI_FORM}`);
  if (nameAndTag.includes('@')) throw input(`"${text}" names a digest: a push writes a tag, so push to a tag (…/<repository>:<tag>); the digest is in the reference the push prints.`);
  const colon = nameAndTag.lastIndexOf(':');
  const tag = colon < 0 ? '' : nameAndTag.slice(colon + 1);
  if (tag === '') throw input(`"${text}" has no tag. Add the version after a colon, e.g. oci://${registry}/${colon < 0 ? nameAndTag : nameAndTag.slice(0, colon)}:1.0.0.`);
  const repository = nameAndTag.slice(0, colon);
  if (!REPO_RE.test(repository)) throw input(`"${repository}" is not a valid repository name: use lowercase letters, digits and . _ - separators, with / between path parts.`);
  if (!isValidTag(tag)) throw input(`"${tag}" is not a valid tag: use letters, digits, _ . - (at most 128, not starting with . or -).`);
  return { kind: 'oci', registry, repository, tag, insecure };
}

export function parseMlflowTarget(text: string): MlflowTarget {
  const m = /^mlflow(?:\+(https?))?:\/\/([^/?#]*)(\/[^?#]*)?(?:\?([^#]*))?$/.exec(text);
  if (!m) throw input(`"${text}" is not an MLflow target. ${MLFLOW_FORM}`);
  const hostPort = m[2] ?? '';
  if (hostPort.includes('@')) throw input('Put MLflow credentials in MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN, not in the target address.');
  const segments = (m[3] ?? '').split('/').filter(Boolean);
  if (hostPort === '' || segments.length === 0) throw input(`"${text}" is not an MLflow target. ${MLFLOW_FORM}`);
  checkHostPort(hostPort, 'MLflow server');
  const scheme = m[1] ?? 'https';
  let modelName: string;
  try {
    modelName = decodeURIComponent(segments[segments.length - 1] ?? '');
  } catch {
    throw input(`The model name in "${text}" has a broken %-escape. URL-encode spaces as %20 and slashes as %2F.`);
  }
  const prefix = segments.slice(0, -1).join('/');
  const query = new URLSearchParams(m[4] ?? '');
  const experiment = query.get('experiment');
  const trackingUri = `${scheme}://${hostPort}${prefix ? `/${prefix}` : ''}`;
  try {
    new URL(trackingUri);
  } catch {
    throw input(`"${text}" does not make a valid server address (${trackingUri}). ${MLFLOW_FORM}`);
  }
  return { kind: 'mlflow', trackingUri, modelName, ...(experiment ? { experiment } : {}) };
}

export function parseTarget(text: string, opts: { insecure?: boolean } = {}): PushTarget {
  if (text.startsWith('oci://')) return parseOciTarget(text, opts.insecure ?? false);
  if (/^mlflow(\+https?)?:\/\//.test(text)) return parseMlflowTarget(text);
  const scheme = /^([a-z][a-z0-9+.-]*):\/\//i.exec(text)?.[1];
  // Named by its scheme only: the rest of an unknown URL may hold a user:password@.
  const what = scheme ? `The scheme ${scheme}:// is not a push target` : text.includes('@') ? 'This is not a push target' : `"${text}" is not a push target`;
  throw input(`${what}. Use oci://<host>/<repository>:<tag> or mlflow://<host>/<model name> (mlflow+http:// for plain HTTP).`);
}

/** The registry as recorded with a push and shown to people (no credentials, no query). */
export function describeTarget(target: PushTarget): string {
  return target.kind === 'oci' ? `${target.registry}/${target.repository}:${target.tag}` : `${target.trackingUri} (model ${target.modelName})`;
}
