import * as vscode from 'vscode';
import * as os from 'node:os';
import * as path from 'node:path';
import { existsSync } from 'node:fs';
import type { IndexHost } from './indexHost';
import type { Artifact, Logger, PushRecord, RunDetail } from '../core/model';
import { planPush, pushModel, verifyModel } from '../core/registry/push';
import { dockerConfigCredentials } from '../core/registry/credentials';
import { metricHistoryFrom } from '../core/metricHistory';
import type { Credentials, PushPlan, PushRequest } from '../core/registry/types';
import { isValidTag, parseOciTarget } from '../core/registry/target';
import { RegistrySecrets, describeRegistry, registryConfigs, saveRegistryConfig, targetFor, type RegistryConfig } from './registrySettings';
import { parseRegistryConfig } from '../core/registry/registryConfig';
import { formatBytes } from '../shared/formatBytes';

/** Arguments that let tests and other extensions run the commands without prompts. */
export type AddRegistryArgs = RegistryConfig & { credentials?: Credentials };

export interface PushModelArgs {
  runId: string;
  artifact: string;
  registry: string;
  version: string;
  alias?: string;
  description?: string;
  /** Skip the confirmation dialog (tests, automation). */
  confirmed?: boolean;
}

/** A settings entry from what Add Registry asked: `host/repo` for OCI, the tracking URL for MLflow. */
function entryFor(kind: 'oci' | 'mlflow', name: string, address: string, model: string): Record<string, string> {
  if (kind === 'mlflow') return { name, kind, trackingUri: address, modelName: model };
  const bare = address.replace(/^oci:\/\//, '');
  const slash = bare.indexOf('/');
  return { name, kind, registry: slash > 0 ? bare.slice(0, slash) : bare, repository: slash > 0 ? bare.slice(slash + 1) : '' };
}


function artifactPath(artifact: Artifact, trialbookDir: string): string {
  if (path.isAbsolute(artifact.path)) return artifact.path;
  // Relative artifact paths are relative to the folder that holds .trialbook (docs/event-format.md).
  return path.join(path.dirname(trialbookDir), artifact.path);
}

/** Add Registry…, Forget Registry Credentials, Push Model to Registry…, Verify Model. */
export class RegistryCommands {
  private readonly secrets: RegistrySecrets;

  constructor(secretStorage: vscode.SecretStorage, private readonly host: IndexHost | undefined, private readonly log: Logger) {
    this.secrets = new RegistrySecrets(secretStorage);
  }

  async addRegistry(args?: AddRegistryArgs): Promise<RegistryConfig | undefined> {
    if (args) {
      const { credentials, ...entry } = args;
      const config = parseRegistryConfig(entry);
      await saveRegistryConfig(config);
      if (credentials) await this.secrets.store(config, credentials);
      return config;
    }
    const kind = await vscode.window.showQuickPick(
      [
        { label: 'OCI registry', description: 'Docker Hub, GHCR, ECR, ACR, Artifact Registry, Harbor, Quay, Zot…', registryKind: 'oci' as const },
        { label: 'MLflow Model Registry', description: 'an MLflow tracking server', registryKind: 'mlflow' as const },
      ],
      { title: 'Add Registry (1/4): kind' },
    );
    if (!kind) return undefined;
    const address = await vscode.window.showInputBox({
      title: 'Add Registry (2/4): address',
      prompt: kind.registryKind === 'oci' ? 'Registry host and repository, e.g. ghcr.io/team/churn-model or localhost:5000/models/churn' : 'Tracking server URL, e.g. https://mlflow.example.com',
      ignoreFocusOut: true,
      validateInput: (v) => {
        if (!v.trim()) return 'Required.';
        try {
          parseRegistryConfig(entryFor(kind.registryKind, 'x', v.trim(), 'model'));
          return undefined;
        } catch (err) {
          return err instanceof Error ? err.message : String(err);
        }
      },
    });
    if (!address) return undefined;
    let model = 'model';
    if (kind.registryKind === 'mlflow') {
      const name = await vscode.window.showInputBox({ title: 'Add Registry (3/4): registered model name', ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Required.') });
      if (!name) return undefined;
      model = name.trim();
    }
    const suggested = kind.registryKind === 'oci' ? address.trim() : `${new URL(address.trim()).host}/${model}`;
    const name = await vscode.window.showInputBox({ title: 'Add Registry (4/4): a name for it', value: suggested, ignoreFocusOut: true, validateInput: (v) => (v.trim() ? undefined : 'Required.') });
    if (!name) return undefined;
    const config = parseRegistryConfig(entryFor(kind.registryKind, name.trim(), address.trim(), model));
    const host = config.kind === 'oci' ? config.registry : new URL(config.trackingUri).host;
    const credentials = await this.askCredentials(config, host);
    if (!credentials) return undefined;
    await saveRegistryConfig(config);
    if (credentials.kind !== 'anonymous') await this.secrets.store(config, credentials);
    void vscode.window.showInformationMessage(`Trialbook: registry "${config.name}" added${credentials.kind !== 'anonymous' ? '; its credentials are kept in VS Code\'s secret storage' : ''}.`);
    return config;
  }

  private async askCredentials(config: RegistryConfig, host: string): Promise<Credentials | undefined> {
    const docker = config.kind === 'oci' ? await dockerConfigCredentials(host) : undefined;
    const choices = [
      ...(docker ? [{ label: 'Use my docker login', description: `found in ~/.docker/config.json for ${host}`, value: 'docker' }] : []),
      { label: 'Username and password', description: config.kind === 'oci' ? 'or a personal access token as password' : 'MLflow basic auth', value: 'basic' },
      { label: 'Token', description: config.kind === 'oci' ? 'a bearer token' : 'MLFLOW_TRACKING_TOKEN-style bearer token', value: 'token' },
      { label: 'No credentials', description: 'anonymous access', value: 'anonymous' },
    ];
    const pick = await vscode.window.showQuickPick(choices, { title: `Credentials for ${config.name}`, ignoreFocusOut: true });
    if (!pick) return undefined;
    if (pick.value === 'docker' || pick.value === 'anonymous') return { kind: 'anonymous' };
    if (pick.value === 'token') {
      const token = await vscode.window.showInputBox({ title: `Token for ${config.name}`, password: true, ignoreFocusOut: true });
      return token ? { kind: 'token', token } : undefined;
    }
    const username = await vscode.window.showInputBox({ title: `Username for ${config.name}`, ignoreFocusOut: true });
    if (!username) return undefined;
    const password = await vscode.window.showInputBox({ title: `Password or access token for ${username}`, password: true, ignoreFocusOut: true });
    return password === undefined ? undefined : { kind: 'basic', username, password };
  }

  async hasCredentials(name: string): Promise<boolean> {
    const config = registryConfigs(this.log).find((r) => r.name === name);
    return config !== undefined && (await this.secrets.get(config)) !== undefined;
  }

  async forgetCredentials(name?: string): Promise<void> {
    const registry = name ? registryConfigs(this.log).find((r) => r.name === name) : await this.pickRegistry('Forget credentials of which registry?', false);
    if (!registry) return;
    await this.secrets.forget(registry);
    void vscode.window.showInformationMessage(`Trialbook: credentials of "${registry.name}" removed from secret storage.`);
  }

  private async pickRegistry(title: string, offerAdd = true): Promise<RegistryConfig | undefined> {
    const all = registryConfigs(this.log);
    const items = all.map((r) => ({ label: r.name, description: describeRegistry(r), config: r as RegistryConfig | undefined }));
    if (offerAdd) items.push({ label: '$(add) Add Registry…', description: '', config: undefined });
    if (items.length === 0) {
      void vscode.window.showInformationMessage('Trialbook: no registries configured.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(items, { title });
    if (!pick) return undefined;
    return pick.config ?? this.addRegistry();
  }

  private async credentialsFor(config: RegistryConfig): Promise<Credentials> {
    const stored = await this.secrets.get(config);
    if (stored) return stored;
    if (config.kind === 'oci') {
      const docker = await dockerConfigCredentials(config.registry);
      if (docker) return docker;
    }
    return { kind: 'anonymous' };
  }

  /** Push Model to Registry… from the palette (args undefined), a run, or a model artifact. */
  async pushModel(args?: PushModelArgs | { runId: string; artifact?: string }): Promise<void> {
    if (!this.host) return;
    const index = await this.host.get();
    const runId = args?.runId ?? (await this.pickRunWithModel());
    if (!runId) return;
    const run = index.getRun(runId);
    if (!run) throw new Error(`run ${runId} is not in this workspace.`);
    const artifact = await this.pickArtifact(run, args?.artifact);
    if (!artifact) return;
    const modelPath = artifactPath(artifact, this.host.trialbookDir);
    if (!existsSync(modelPath)) throw new Error(`the model "${artifact.name}" is no longer at ${modelPath}. Restore it (or log it again), then push.`);

    const full = args && 'registry' in args ? args : undefined;
    const registry = full ? registryConfigs(this.log).find((r) => r.name === full.registry) : await this.pickRegistry(`Push "${artifact.name}" to`);
    if (!registry) {
      if (full) throw new Error(`no registry named "${full.registry}" in the trialbook.registries setting. Add it with "Trialbook: Add Registry…".`);
      return;
    }
    const version = full?.version ?? (await vscode.window.showInputBox({
      title: `Version (tag) of "${artifact.name}" in ${registry.name}`, value: '1.0.0', ignoreFocusOut: true,
      validateInput: (v) => (isValidTag(v) ? undefined : 'Letters, digits, _ . - (at most 128 characters, not starting with . or -).'),
    }));
    if (!version) return;
    const alias = full ? full.alias : (await vscode.window.showInputBox({ title: 'Alias (optional), e.g. staging or production', ignoreFocusOut: true,
      validateInput: (v) => (!v || /^[\w-]+$/.test(v) ? undefined : 'Letters, digits, _ and - only.') })) || undefined;
    const description = full ? full.description : (await vscode.window.showInputBox({ title: 'Description (optional)', value: run.notes, ignoreFocusOut: true })) || undefined;

    const request: PushRequest = {
      run, modelPath, artifactName: artifact.name, target: targetFor(registry, version),
      credentials: await this.credentialsFor(registry), alias, description, user: os.userInfo().username,
      history: metricHistoryFrom(index, run.id),
    };
    const plan = await planPush(request);
    if (!full?.confirmed && !(await this.confirm(plan, registry))) return;

    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Pushing ${artifact.name} to ${plan.destination}`, cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let lastPct = 0;
        return pushModel(request, {
          signal: controller.signal,
          log: { info: (m) => this.log.info(`push: ${m}`), warn: (m) => this.log.warn(`push: ${m}`) },
          onProgress: (done, total) => {
            const pct = total ? Math.floor((done / total) * 100) : 100;
            progress.report({ message: `${formatBytes(done)} of ${formatBytes(total)} (${pct}%)`, increment: pct - lastPct });
            lastPct = pct;
          },
        });
      },
    );
    // Recorded in .trialbook/pushes.jsonl (durable: a rebuilt index keeps it) and in the index.
    index.recordPush(result.record);
    await this.host.refresh();
    this.log.info(`Pushed ${artifact.name} of ${run.id} to ${result.record.reference}${result.upToDate ? ' (already up to date)' : ''}`);
    const message = result.upToDate
      ? `Trialbook: ${plan.destination} is already up to date (no data uploaded).`
      : `Trialbook: pushed ${artifact.name} to ${result.record.reference} (${formatBytes(result.uploadedBytes)} uploaded).`;
    if (!full) {
      void vscode.window.showInformationMessage(message, 'Copy Reference').then((c) => c && vscode.env.clipboard.writeText(result.record.reference));
    }
  }

  private async confirm(plan: PushPlan, registry: RegistryConfig): Promise<boolean> {
    const files = plan.files.map((f) => `  ${f.filepath}  ${formatBytes(f.size)}  sha256:${f.sha256.slice(0, 12)}…`).join('\n');
    const lineage = Object.entries(plan.lineage).map(([k, v]) => `  ${k}: ${v.length > 120 ? `${v.slice(0, 117)}…` : v}`).join('\n');
    const choice = await vscode.window.showInformationMessage(
      `Push ${plan.files.length} file(s), ${formatBytes(plan.totalBytes)}, to ${plan.destination}?`,
      { modal: true, detail: `Registry: ${registry.name}\n\nFiles:\n${files}\n\nLineage sent with the model:\n${lineage}` },
      'Push',
    );
    return choice === 'Push';
  }

  private async pickRunWithModel(): Promise<string | undefined> {
    if (!this.host) return undefined;
    const index = await this.host.get();
    const runs = index.runsWithArtifacts().map((id) => index.getRun(id)).filter((r): r is RunDetail => r !== undefined);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Trialbook: no run has logged an artifact yet. Log one with run.log_artifact(path, type="model").');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(runs.map((r) => ({ label: r.name, description: `${r.experiment} · ${r.artifacts.filter((a) => a.type === 'model').length} model(s)`, id: r.id })), { title: 'Push a model of which run?' });
    return pick?.id;
  }

  private async pickArtifact(run: RunDetail, name: string | undefined): Promise<Artifact | undefined> {
    if (name) {
      const found = run.artifacts.find((a) => a.name === name);
      if (!found) throw new Error(`run "${run.name}" has no artifact named "${name}".`);
      return found;
    }
    const candidates = [...run.artifacts].sort((a, b) => Number(b.type === 'model') - Number(a.type === 'model'));
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(`Trialbook: run "${run.name}" has logged no artifact to push.`);
      return undefined;
    }
    if (candidates.length === 1) return candidates[0];
    const pick = await vscode.window.showQuickPick(candidates.map((a) => ({ label: a.name, description: `${a.type} · ${formatBytes(a.size)}`, detail: a.path, artifact: a })), { title: `Which artifact of "${run.name}"?` });
    return pick?.artifact;
  }

  /** Verify Model: what the registry holds for a recorded push, against the local files. */
  async verify(runId: string, artifactName: string, push: PushRecord): Promise<boolean> {
    const host = this.host;
    if (!host) return false;
    const run = (await host.get()).getRun(runId);
    const artifact = run?.artifacts.find((a) => a.name === artifactName);
    if (!run || !artifact) throw new Error('the run or its model is no longer in this workspace.');
    if (!push.registry.startsWith('oci://')) {
      throw new Error('Verify is available for OCI registries; for MLflow, open the model version in the MLflow UI.');
    }
    const version = push.version ?? push.reference.split('@')[0].split(':').pop() ?? '';
    const config = registryConfigs(this.log).find((r) => r.kind === 'oci' && `oci://${r.registry}/${r.repository}` === push.registry);
    const target = parseOciTarget(`${push.registry}:${version}`, config?.kind === 'oci' ? config.insecure ?? false : false);
    const credentials = config ? await this.credentialsFor(config) : (await dockerConfigCredentials(target.registry)) ?? { kind: 'anonymous' as const };
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: `Verifying ${artifactName} against ${push.reference}`, cancellable: true },
      (_p, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return verifyModel({ run, modelPath: artifactPath(artifact, host.trialbookDir), artifactName, target, credentials }, { signal: controller.signal });
      },
    );
    if (result.matches) {
      void vscode.window.showInformationMessage(`Trialbook: ${result.reference} matches the local files (${result.files.length} file(s)).`);
    } else {
      const lines = result.differences.map((d) => `${d.filepath}: ${d.problem}`).join('\n');
      void vscode.window.showWarningMessage(`Trialbook: ${result.reference} differs from the local model.`, { modal: true, detail: lines });
    }
    return result.matches;
  }
}
