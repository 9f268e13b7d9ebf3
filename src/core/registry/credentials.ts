// Where credentials come from outside the editor: environment variables and the docker login store.
import { execFile } from 'node:child_process';
import { promises as fsp } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Credentials, PushTarget } from './types';

type Env = Record<string, string | undefined>;

/** `$DOCKER_CONFIG/config.json`, else `~/.docker/config.json`. */
export function dockerConfigPath(env: Env = process.env): string {
  return path.join(env['DOCKER_CONFIG'] ?? path.join(os.homedir(), '.docker'), 'config.json');
}

interface DockerConfig {
  auths?: Record<string, { auth?: string; username?: string; password?: string; identitytoken?: string; registrytoken?: string }>;
  credHelpers?: Record<string, string>;
  credsStore?: string;
}

/** Keys in `auths` come as `host`, `https://host`, `https://host/v1/`…; Docker Hub's as index.docker.io. */
function normaliseRegistryKey(key: string): string {
  const host = key.replace(/^[a-z]+:\/\//i, '').replace(/\/.*$/, '').toLowerCase();
  return host === 'index.docker.io' || host === 'registry-1.docker.io' ? 'docker.io' : host;
}

/**
 * Credentials for `registry` (host or host:port) from a docker config file: `auths` entries
 * (base64 `user:password`, or a registry token), else a credential helper (`credHelpers`, `credsStore`).
 * Undefined when the file or an entry is missing.
 */
export async function dockerConfigCredentials(registry: string, configPath = dockerConfigPath()): Promise<Credentials | undefined> {
  let config: DockerConfig;
  try {
    config = JSON.parse(await fsp.readFile(configPath, 'utf8')) as DockerConfig;
  } catch {
    return undefined;
  }
  const wanted = normaliseRegistryKey(registry);
  for (const [key, entry] of Object.entries(config.auths ?? {})) {
    if (normaliseRegistryKey(key) !== wanted) continue;
    if (entry.registrytoken) return { kind: 'token', token: entry.registrytoken };
    if (entry.auth) {
      const decoded = Buffer.from(entry.auth, 'base64').toString('utf8');
      const colon = decoded.indexOf(':');
      if (colon > 0) return { kind: 'basic', username: decoded.slice(0, colon), password: decoded.slice(colon + 1) };
    }
    if (entry.username && entry.password) return { kind: 'basic', username: entry.username, password: entry.password };
  }
  const helper = Object.entries(config.credHelpers ?? {}).find(([k]) => normaliseRegistryKey(k) === wanted)?.[1] ?? config.credsStore;
  return helper ? credentialHelper(helper, registry) : undefined;
}

/** `docker-credential-<helper> get` with the registry on stdin → `{Username, Secret}`. */
function credentialHelper(helper: string, registry: string): Promise<Credentials | undefined> {
  if (!/^[\w.-]+$/.test(helper)) return Promise.resolve(undefined);
  return new Promise((resolve) => {
    const child = execFile(`docker-credential-${helper}`, ['get'], { timeout: 10_000 }, (err, stdout) => {
      if (err) { resolve(undefined); return; }
      try {
        const out = JSON.parse(stdout) as { Username?: string; Secret?: string };
        if (!out.Secret) resolve(undefined);
        // Docker's convention: the username "<token>" marks an identity token.
        else if (out.Username === '<token>' || !out.Username) resolve({ kind: 'token', token: out.Secret });
        else resolve({ kind: 'basic', username: out.Username, password: out.Secret });
      } catch {
        resolve(undefined);
      }
    });
    child.on('error', () => resolve(undefined));
    child.stdin?.end(registry);
  });
}

/**
 * Credentials from the environment, for terminals and CI:
 * MLflow: MLFLOW_TRACKING_TOKEN (wins), else MLFLOW_TRACKING_USERNAME/PASSWORD;
 * both kinds: TRIALBOOK_REGISTRY_TOKEN, else TRIALBOOK_REGISTRY_USERNAME/PASSWORD.
 */
export function envCredentials(target: PushTarget, env: Env = process.env): Credentials | undefined {
  if (target.kind === 'mlflow') {
    const token = env['MLFLOW_TRACKING_TOKEN'];
    if (token) return { kind: 'token', token };
    const user = env['MLFLOW_TRACKING_USERNAME'];
    const pass = env['MLFLOW_TRACKING_PASSWORD'];
    if (user && pass !== undefined) return { kind: 'basic', username: user, password: pass };
  }
  const token = env['TRIALBOOK_REGISTRY_TOKEN'];
  if (token) return { kind: 'token', token };
  const user = env['TRIALBOOK_REGISTRY_USERNAME'];
  const pass = env['TRIALBOOK_REGISTRY_PASSWORD'];
  if (user && pass !== undefined) return { kind: 'basic', username: user, password: pass };
  return undefined;
}

/** Environment first, then (OCI) the docker login store, else anonymous. */
export async function resolveCredentials(target: PushTarget, env: Env = process.env): Promise<{ credentials: Credentials; from: string }> {
  const fromEnv = envCredentials(target, env);
  if (fromEnv) return { credentials: fromEnv, from: 'environment' };
  if (target.kind === 'oci') {
    const configPath = dockerConfigPath(env);
    const fromDocker = await dockerConfigCredentials(target.registry, configPath);
    if (fromDocker) return { credentials: fromDocker, from: configPath };
  }
  return { credentials: { kind: 'anonymous' }, from: 'none (anonymous)' };
}
