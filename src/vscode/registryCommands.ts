import * as vscode from 'vscode';
import type { IndexHost } from './indexHost';
import type { Logger, PushRecord, RunDetail } from '../core/model';
import { dockerConfigCredentials } from '../core/registry/credentials';
import { PushService, recordedOciTarget, type PreparedPush, type PushSpec } from '../core/registry/pushService';
import type { Credentials, ModelVersionLabel, PushPlan, PushResult } from '../core/registry/types';
import { aliasProblem, isValidTag } from '../core/registry/target';
import { RegistrySecrets, describeRegistry, registryConfigs, saveRegistryConfig, targetFor, type RegistryConfig } from './registrySettings';
import { parseRegistryConfig } from '../core/registry/registryConfig';
import { errorMessage } from '../shared/errorMessage';
import { inertText } from '../shared/untrustedText';
import {
  artifactPickItem, copiedMessage, inertError, outsideLinksQuestion, progressMessage, pushConfirmation, pushedMessage, pushingTitle,
  readingTitle, registryPickItem, runPickItem, verifiedMessage, verifyingTitle,
} from './registryText';

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
  /** Send copies of what links outside the model folder point to (else such a link stops the push). */
  followOutsideLinks?: boolean;
}

/** A settings entry from what Add Registry asked: `host/repo` for OCI, the tracking URL for MLflow. */
function entryFor(kind: 'oci' | 'mlflow', name: string, address: string, model: string): Record<string, string> {
  if (kind === 'mlflow') return { name, kind, trackingUri: address, modelName: model };
  const bare = address.replace(/^oci:\/\//, '');
  const slash = bare.indexOf('/');
  return { name, kind, registry: slash > 0 ? bare.slice(0, slash) : bare, repository: slash > 0 ? bare.slice(slash + 1) : '' };
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
          return errorMessage(err);
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
    void vscode.window.showInformationMessage(inertText(`Trialbook: registry "${config.name}" added${credentials.kind !== 'anonymous' ? '; its credentials are kept in VS Code\'s secret storage' : ''}.`));
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
    const pick = await vscode.window.showQuickPick(choices, { title: inertText(`Credentials for ${config.name}`), ignoreFocusOut: true });
    if (!pick) return undefined;
    if (pick.value === 'docker' || pick.value === 'anonymous') return { kind: 'anonymous' };
    if (pick.value === 'token') {
      const token = await vscode.window.showInputBox({ title: inertText(`Token for ${config.name}`), password: true, ignoreFocusOut: true });
      return token ? { kind: 'token', token } : undefined;
    }
    const username = await vscode.window.showInputBox({ title: inertText(`Username for ${config.name}`), ignoreFocusOut: true });
    if (!username) return undefined;
    const password = await vscode.window.showInputBox({ title: inertText(`Password or access token for ${username}`), password: true, ignoreFocusOut: true });
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
    void vscode.window.showInformationMessage(inertText(`Trialbook: credentials of "${registry.name}" removed from secret storage.`));
  }

  private async pickRegistry(title: string, offerAdd = true): Promise<RegistryConfig | undefined> {
    const all = registryConfigs(this.log);
    const items: { label: string; description: string; config: RegistryConfig | undefined }[] = all.map((r) => registryPickItem(r, describeRegistry(r)));
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

  /** The push use case over this workspace's index (one per command: the index may have been reopened). */
  private async service(): Promise<PushService | undefined> {
    if (!this.host) return undefined;
    return new PushService(await this.host.get(), this.host.trialbookDir);
  }

  /** Push Model to Registry… from the palette (args undefined), a run, or a model artifact. */
  async pushModel(args?: PushModelArgs | { runId: string; artifact?: string }, modelVersion?: ModelVersionLabel): Promise<PushResult | undefined> {
    try {
      return await this.askAndPush(args, modelVersion);
    } catch (err) {
      throw inertError(err);
    }
  }

  /** `modelVersion`: a registered version is pushed (annotated; its stage is the MLflow alias unless one is given). */
  private async askAndPush(args?: PushModelArgs | { runId: string; artifact?: string }, modelVersion?: ModelVersionLabel): Promise<PushResult | undefined> {
    const service = await this.service();
    if (!service) return undefined;
    const runId = args?.runId ?? (await this.pickRunWithModel());
    if (!runId) return undefined;
    const run = service.run(runId);
    const artifact = args?.artifact ?? (await this.pickArtifact(run));
    if (!artifact) return undefined;
    const modelName = service.resolveModel(run, artifact).name;

    const full = args && 'registry' in args ? args : undefined;
    const registry = full ? registryConfigs(this.log).find((r) => r.name === full.registry) : await this.pickRegistry(inertText(`Push "${modelName}" to`));
    if (!registry) {
      if (full) throw new Error(`no registry named "${full.registry}" in the trialbook.registries setting. Add it with "Trialbook: Add Registry…".`);
      return undefined;
    }
    const version = full?.version ?? (await vscode.window.showInputBox({
      title: inertText(`Version (tag) of "${modelName}" in ${registry.name}`), value: modelVersion ? `v${modelVersion.version}` : '1.0.0', ignoreFocusOut: true,
      validateInput: (v) => (registry.kind === 'mlflow' || isValidTag(v) ? undefined : 'Letters, digits, _ . - (at most 128 characters, not starting with . or -).'),
    }));
    if (!version) return undefined;
    const alias = full ? full.alias : (await vscode.window.showInputBox({ title: 'Alias (optional), e.g. staging or production', ignoreFocusOut: true, value: modelVersion?.stage ?? '',
      validateInput: (v) => (v ? aliasProblem(registry.kind, v) : undefined) }));
    const description = full ? full.description : await vscode.window.showInputBox({ title: 'Description (optional)', value: run.notes, ignoreFocusOut: true });

    const spec: PushSpec = {
      runId, model: artifact, target: targetFor(registry, version), credentials: await this.credentialsFor(registry),
      ...(alias ? { alias } : {}),
      ...(description ? { description } : {}),
      ...(full?.followOutsideLinks ? { followOutsideLinks: true } : {}),
      ...(modelVersion ? { modelVersion } : {}),
    };
    let prepared = service.prepare(spec);
    let plan = await this.plan(service, prepared);
    if (!plan) return undefined;
    // Links outside the model folder: sent (as copies) only when the person agrees here; automation says so in its arguments.
    if (!full && plan.links.some((l) => l.sentAs === 'not-sent')) {
      const question = outsideLinksQuestion(modelName, plan.links);
      const choice = await vscode.window.showWarningMessage(question.message, { modal: true, detail: question.detail }, 'Send Copies');
      if (choice !== 'Send Copies') return undefined;
      prepared = service.prepare({ ...spec, followOutsideLinks: true });
      plan = await this.plan(service, prepared);
      if (!plan) return undefined;
    }
    if (!full?.confirmed && !(await this.confirm(plan, registry))) return undefined;

    const confirmed = plan;
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: pushingTitle(modelName, confirmed.destination), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        let lastPct = 0;
        return service.push(prepared, {
          confirmed,
          signal: controller.signal,
          log: { info: (m) => this.log.info(`push: ${m}`), warn: (m) => this.log.warn(`push: ${m}`) },
          onProgress: (done, total) => {
            const pct = total ? Math.floor((done / total) * 100) : 100;
            progress.report({ message: progressMessage(done, total), increment: pct - lastPct });
            lastPct = pct;
          },
        });
      },
    );
    await this.host?.refresh();
    this.log.info(`Pushed ${modelName} of ${run.id} to ${result.record.reference}${result.upToDate ? ' (already up to date)' : ''}`);
    if (!full) {
      void vscode.window.showInformationMessage(pushedMessage(modelName, confirmed, result), 'Copy Reference').then((c) => c && vscode.env.clipboard.writeText(result.record.reference));
    }
    return result;
  }

  /** Reads the model for its digests, with cancellable progress (a large model takes seconds); undefined when cancelled. */
  private async plan(service: PushService, prepared: PreparedPush): Promise<PushPlan | undefined> {
    return vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: readingTitle(prepared.model.name), cancellable: true },
      async (progress, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        try {
          return await service.plan(prepared, { signal: controller.signal, onProgress: (done, total) => progress.report({ message: progressMessage(done, total) }) });
        } catch (err) {
          if (controller.signal.aborted) return undefined;
          throw err;
        }
      },
    );
  }

  private async confirm(plan: PushPlan, registry: RegistryConfig): Promise<boolean> {
    const dialog = pushConfirmation(plan, registry.name);
    const choice = await vscode.window.showInformationMessage(dialog.message, { modal: true, detail: dialog.detail }, 'Push');
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
    const pick = await vscode.window.showQuickPick(runs.map(runPickItem), { title: 'Push a model of which run?' });
    return pick?.id;
  }

  /** The artifact to push, by name: models first; asks only when there is a choice. */
  private async pickArtifact(run: RunDetail): Promise<string | undefined> {
    const candidates = [...run.artifacts].sort((a, b) => Number(b.type === 'model') - Number(a.type === 'model'));
    if (candidates.length === 0) {
      void vscode.window.showInformationMessage(inertText(`Trialbook: run "${run.name}" has logged no artifact to push.`));
      return undefined;
    }
    if (candidates.length === 1) return candidates[0]?.name;
    const pick = await vscode.window.showQuickPick(candidates.map(artifactPickItem), { title: inertText(`Which artifact of "${run.name}"?`) });
    return pick?.name;
  }

  /** Verify Model: what the registry holds for a recorded push, against the local files. */
  async verify(runId: string, artifactName: string, push: PushRecord): Promise<boolean> {
    try {
      return await this.verifyRecorded(runId, artifactName, push);
    } catch (err) {
      throw inertError(err);
    }
  }

  private async verifyRecorded(runId: string, artifactName: string, push: PushRecord): Promise<boolean> {
    const service = await this.service();
    if (!service) return false;
    const config = registryConfigs(this.log).find((r) => r.kind === 'oci' && `oci://${r.registry}/${r.repository}` === push.registry);
    const target = recordedOciTarget(push, config?.kind === 'oci' ? config.insecure ?? false : false);
    const credentials = config ? await this.credentialsFor(config) : target.kind === 'oci' ? (await dockerConfigCredentials(target.registry)) ?? { kind: 'anonymous' as const } : { kind: 'anonymous' as const };
    const prepared = service.prepare({ runId, model: artifactName, target, credentials });
    const result = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: verifyingTitle(artifactName, push.reference), cancellable: true },
      (_p, token) => {
        const controller = new AbortController();
        token.onCancellationRequested(() => controller.abort());
        return service.verify(prepared, { signal: controller.signal });
      },
    );
    const shown = verifiedMessage(result);
    if (result.matches) void vscode.window.showInformationMessage(shown.message);
    else void vscode.window.showWarningMessage(shown.message, { modal: true, detail: shown.detail });
    return result.matches;
  }

  /** Copy Reference on a push in the Models view. */
  async copyReference(push: PushRecord): Promise<void> {
    await vscode.env.clipboard.writeText(push.reference);
    vscode.window.setStatusBarMessage(copiedMessage(push.reference), 3000);
  }
}

