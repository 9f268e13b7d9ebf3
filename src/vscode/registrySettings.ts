import * as vscode from 'vscode';
import { parseRegistryConfig, secretKey, type RegistryConfig } from '../core/registry/registryConfig';
import type { Credentials } from '../core/registry/types';
import type { Logger } from '../core/model';
import { errorMessage } from '../shared/errorMessage';

export type { RegistryConfig } from '../core/registry/registryConfig';
export { targetFor } from '../core/registry/registryConfig';

const settingKey = 'registries';

/** The registries in settings; an entry that does not parse is reported once in the log and skipped. */
export function registryConfigs(log?: Logger): RegistryConfig[] {
  const value = vscode.workspace.getConfiguration('trialbook').get<unknown>(settingKey, []);
  if (!Array.isArray(value)) return [];
  const out: RegistryConfig[] = [];
  for (const entry of value) {
    try {
      out.push(parseRegistryConfig(entry));
    } catch (err) {
      log?.warn(`Ignoring a trialbook.registries entry: ${errorMessage(err)}`);
    }
  }
  return out;
}

export async function saveRegistryConfig(config: RegistryConfig): Promise<void> {
  const all = registryConfigs().filter((r) => r.name !== config.name);
  all.push(config);
  const target = vscode.workspace.workspaceFolders?.length ? vscode.ConfigurationTarget.Workspace : vscode.ConfigurationTarget.Global;
  await vscode.workspace.getConfiguration('trialbook').update(settingKey, all, target);
}

export function describeRegistry(config: RegistryConfig): string {
  return config.kind === 'oci' ? `OCI · ${config.registry}/${config.repository}` : `MLflow · ${config.trackingUri} · ${config.modelName}`;
}

/** Credentials live only in SecretStorage, one entry per server (so repositories of one registry share a login). */
export class RegistrySecrets {
  constructor(private readonly secrets: vscode.SecretStorage) {}

  async get(config: RegistryConfig): Promise<Credentials | undefined> {
    const raw = await this.secrets.get(secretKey(config));
    if (!raw) return undefined;
    try {
      const parsed = JSON.parse(raw) as Credentials;
      return parsed.kind === 'basic' || parsed.kind === 'token' || parsed.kind === 'anonymous' ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async store(config: RegistryConfig, credentials: Credentials): Promise<void> {
    await this.secrets.store(secretKey(config), JSON.stringify(credentials));
  }

  async forget(config: RegistryConfig): Promise<void> {
    await this.secrets.delete(secretKey(config));
  }
}
