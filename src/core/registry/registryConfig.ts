// A configured registry as kept in settings (only the non-secret part, so a team can commit it), and how
// the editor turns it into a push target and finds its secret.
import { RegistryError } from './errors';
import { isValidTag, parseMlflowTarget, parseOciTarget } from './target';
import type { PushTarget } from './types';

export interface OciRegistryConfig {
  name: string;
  kind: 'oci';
  /** `host[:port]` */
  registry: string;
  repository: string;
  insecure?: boolean;
}

export interface MlflowRegistryConfig {
  name: string;
  kind: 'mlflow';
  /** Tracking server, e.g. `https://mlflow.example.com` or `http://127.0.0.1:5000`. */
  trackingUri: string;
  modelName: string;
  experiment?: string;
}

export type RegistryConfig = OciRegistryConfig | MlflowRegistryConfig;

/** Checks one settings entry; the message says which field is wrong and how to fix it. */
export function parseRegistryConfig(value: unknown): RegistryConfig {
  const o = (typeof value === 'object' && value !== null ? value : {}) as Record<string, unknown>;
  const str = (key: string): string => {
    const v = o[key];
    if (typeof v !== 'string' || v.trim() === '') throw new RegistryError('input', `Registry setting ${JSON.stringify(o['name'] ?? '(unnamed)')}: "${key}" must be a non-empty string.`);
    return v.trim();
  };
  const name = str('name');
  if (o['kind'] === 'oci') {
    const registry = str('registry').replace(/^[a-z]+:\/\//i, '').replace(/\/+$/, '');
    const repository = str('repository');
    const insecure = o['insecure'] === true;
    parseOciTarget(`oci://${registry}/${repository}:probe`, insecure); // validates host and repository
    return { name, kind: 'oci', registry, repository, ...(insecure ? { insecure } : {}) };
  }
  if (o['kind'] === 'mlflow') {
    const trackingUri = str('trackingUri').replace(/\/+$/, '');
    let url: URL | undefined;
    try { url = new URL(trackingUri); } catch { url = undefined; }
    if (!url || !/^https?:$/.test(url.protocol) || url.username || url.password) throw new RegistryError('input', `Registry setting "${name}": trackingUri must be an http(s) URL without credentials, e.g. https://mlflow.example.com.`);
    const modelName = str('modelName');
    const experiment = typeof o['experiment'] === 'string' && o['experiment'] ? o['experiment'] : undefined;
    return { name, kind: 'mlflow', trackingUri, modelName, ...(experiment ? { experiment } : {}) };
  }
  throw new RegistryError('input', `Registry setting "${name}": "kind" must be "oci" or "mlflow".`);
}

/** The push target for one version (OCI tag; ignored by MLflow, which numbers versions itself). */
export function targetFor(config: RegistryConfig, version: string): PushTarget {
  if (config.kind === 'oci') {
    if (!isValidTag(version)) throw new RegistryError('input', `"${version}" is not a valid tag: use letters, digits, _ . - (at most 128, not starting with . or -).`);
    return parseOciTarget(`oci://${config.registry}/${config.repository}:${version}`, config.insecure ?? false);
  }
  const u = new URL(config.trackingUri);
  const target = parseMlflowTarget(`mlflow+${u.protocol.replace(':', '')}://${u.host}${u.pathname.replace(/\/+$/, '')}/${encodeURIComponent(config.modelName)}`);
  return config.experiment ? { ...target, experiment: config.experiment } : target;
}

/** Key under which the editor keeps this registry's credentials in SecretStorage (one per server, not per repository). */
export function secretKey(config: RegistryConfig): string {
  return config.kind === 'oci' ? `trialbook.registry.oci.${config.registry.toLowerCase()}` : `trialbook.registry.mlflow.${new URL(config.trackingUri).host.toLowerCase()}`;
}
