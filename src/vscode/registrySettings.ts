import * as vscode from 'vscode';
import { parseMlflowTarget, parseOciTarget } from '../core/registry/target';
import type { Credentials, PushTarget } from '../core/registry/types';

/** A registry as kept in settings: only the non-secret part, so a team can commit it. */
export interface RegistryConfig {
  name: string;
  kind: 'oci' | 'mlflow';
  /** OCI: `host[:port]/repository`; MLflow: the tracking server URL, e.g. https://mlflow.example.com. */
  url: string;
  /** MLflow: the registered model name. */
  model?: string;
  /** OCI: allow plain HTTP to a host that is not loopback. */
  insecure?: boolean;
  /** MLflow: experiment of the mirrored run (default: the Trialbook run's experiment). */
  experiment?: string;
}

const settingKey = 'registries';
const secretPrefix = 'trialbook.registry.';

export function registryConfigs(): RegistryConfig[] {
  const value = vscode.workspace.getConfiguration('trialbook').get<unknown>(settingKey, []);
  if (!Array.isArray(value)) return [];
  return value.filter((r): r is RegistryConfig => typeof r === 'object' && r !== null
    && typeof (r as RegistryConfig).name === 'string' && ((r as RegistryConfig).kind === 'oci' || (r as RegistryConfig).kind === 'mlflow')
    && typeof (r as RegistryConfig).url === 'string');
}

export async function saveRegistryConfig(config: RegistryConfig): Promise<void> {
  const all = registryConfigs().filter((r) => r.name !== config.name);
  all.push(config);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('trialbook').update(settingKey, all, target);
}

/** The push target for a registry and a version (OCI tag). */
export function targetOf(config: RegistryConfig, version: string): PushTarget {
  if (config.kind === 'oci') {
    return parseOciTarget(`oci://${config.url.replace(/^oci:\/\//, '').replace(/\/+$/, '')}:${version}`, config.insecure ?? false);
  }
  const url = config.url.replace(/\/+$/, '');
  const scheme = url.startsWith('http://') ? 'mlflow+http' : 'mlflow+https';
  const address = url.replace(/^https?:\/\//, '');
  const query = config.experiment ? `?experiment=${encodeURIComponent(config.experiment)}` : '';
  return parseMlflowTarget(`${scheme}://${address}/${encodeURIComponent(config.model ?? '')}${query}`);
}

/** Credentials live only in SecretStorage, under the registry's name. */
export class RegistrySecrets {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(name: string): Promise<Credentials | undefined> {
    const raw = await this.secrets.get(secretPrefix + name);
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Credentials;
      return parsed.kind === 'basic' || parsed.kind === 'token' || parsed.kind === 'anonymous' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async store(name: string, credentials: Credentials): Promise<void> {
    await this.secrets.store(secretPrefix + name, JSON.stringify(credentials));
  }

  async forget(name: string): Promise<void> {
    await this.secrets.delete(secretPrefix + name);
  }
}
