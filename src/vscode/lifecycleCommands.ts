// Register Model…, Register Retrained Version…, Change Stage…, Push Version to Registry…, Open Gates File: each
// asks why (required), records who/when/why through ModelLifecycle, and stops at failing gates unless the person
// overrides them with a reason. With arguments (tests, automation) they ask nothing and fail with the message.
import * as vscode from 'vscode';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { reportStem } from '../core/lifecycle/modelReport';
import { buildReportInput, writeModelReport } from '../core/lifecycle/reportWriter';
import { GateBlockedError, reasonProblem, stageProblem } from '../core/lifecycle/modelLifecycle';
import { failing } from '../core/lifecycle/gateEval';
import { KNOWN_STAGES, type ModelVersionState } from '../core/lifecycle/modelState';
import type { RunDetail } from '../core/model';
import { inertText } from '../shared/untrustedText';
import type { LifecycleHost } from './lifecycleHost';
import type { PushModelArgs, RegistryCommands } from './registryCommands';

export interface RegisterArgs { runId: string; artifact: string; model?: string; reason?: string; stage?: string; replaces?: number; becauseOfAlert?: number }
export interface StageArgs { model: string; version: number; stage?: string; reason?: string; overrideReason?: string; becauseOfAlert?: number }
export interface PushVersionArgs { model: string; version: number; reason?: string; overrideReason?: string; push?: Omit<PushModelArgs, 'runId' | 'artifact'> }

/** Asks why; refuses an empty answer with the reason rule. Undefined when the person cancels. */
async function askReason(title: string, placeHolder: string): Promise<string | undefined> {
  const reason = await vscode.window.showInputBox({ title: inertText(title), placeHolder, prompt: 'Required: recorded with who and when in .trialbook/models.jsonl.', ignoreFocusOut: true, validateInput: (v) => reasonProblem(v) });
  return reason?.trim();
}

export class LifecycleCommands {
  constructor(private readonly lifecycle: LifecycleHost, private readonly registries: RegistryCommands) {}

  /** Runs `act`; failing gates ask (interactive) for an override reason and try again with it. */
  private async withGates<T>(what: string, interactive: boolean, act: (overrideReason?: string) => Promise<T>): Promise<T | undefined> {
    try {
      return await act();
    } catch (err) {
      if (!(err instanceof GateBlockedError) || !interactive) throw err;
      const bad = failing(err.results);
      const detail = bad.map((r) => `${r.gate.name}: ${r.message}`).join('\n');
      const choice = await vscode.window.showWarningMessage(inertText(`${what} is blocked: ${bad.length} gate${bad.length === 1 ? '' : 's'} failing.`), { modal: true, detail: inertText(detail) }, 'Override with a Reason…', 'Show in Test Explorer');
      if (choice === 'Show in Test Explorer') await vscode.commands.executeCommand('workbench.view.testing.focus');
      if (choice !== 'Override with a Reason…') return undefined;
      const reason = await askReason(`Why let ${bad.map((r) => r.gate.name).join(', ')} through?`, 'e.g. accepted by the review board on 2026-11-30 (ticket ML-42)');
      if (!reason) return undefined;
      return act(reason);
    }
  }

  /**
   * Asked when a person retrains or moves a version of a model that has monitoring alerts in the log: which alert
   * (if any) this answers. Undefined: none (or no alerts); null: cancelled.
   */
  private async pickAlert(model: string): Promise<number | undefined | null> {
    const alerts = await (await this.lifecycle.lifecycle()).alerts(model);
    if (alerts.length === 0) return undefined;
    const NONE = { label: 'None', description: 'not because of a monitoring alert', line: undefined };
    const items = [...alerts.map((a) => ({ label: inertText(`Alert on line ${a.line}: v${a.version}, ${a.entry.at.slice(0, 10)}`), description: inertText(a.entry.alert?.findings.join('; ') ?? a.entry.reason), line: a.line as number | undefined })), NONE];
    const pick = await vscode.window.showQuickPick(items, { title: inertText(`Does this answer a monitoring alert of ${model}?`) });
    return pick ? pick.line : null;
  }

  private async pickRunArtifact(title: string): Promise<{ run: RunDetail; artifact: string } | undefined> {
    const index = await this.lifecycle.host.get();
    const runs = index.runsWithArtifacts('model').map((id) => index.getRun(id)).filter((r): r is RunDetail => r !== undefined);
    if (runs.length === 0) {
      void vscode.window.showInformationMessage('Trialbook: no run has logged a model yet. Log one with run.log_artifact(path, type="model").');
      return undefined;
    }
    const items = runs.flatMap((run) => run.artifacts.filter((a) => a.type === 'model').map((a) => ({ label: inertText(`${run.name} · ${a.name}`), description: inertText(`${run.experiment} · ${run.id}`), run, artifact: a.name })));
    const pick = items.length === 1 ? items[0] : await vscode.window.showQuickPick(items, { title });
    return pick ? { run: pick.run, artifact: pick.artifact } : undefined;
  }

  /** The person picks a registered version (newest first); undefined when cancelled or there is none. */
  async pickVersion(title: string): Promise<{ model: string; version: number } | undefined> {
    const versions = (await this.lifecycle.registry()).models.flatMap((m) => m.versions.slice().reverse());
    if (versions.length === 0) {
      void vscode.window.showInformationMessage('Trialbook: no registered model yet. In the Models view, use Register Model… on a model a run logged.');
      return undefined;
    }
    const pick = await vscode.window.showQuickPick(versions.map((v) => ({ label: inertText(`${v.model} v${v.version}`), description: inertText(`${v.stage} · ${v.latestReason}`), v })), { title });
    return pick ? { model: pick.v.model, version: pick.v.version } : undefined;
  }

  /** Register Model…: a logged model becomes the next version of a named model (a new name starts at v1). */
  async register(args?: RegisterArgs): Promise<ModelVersionState | undefined> {
    const interactive = args?.reason === undefined;
    const picked = args ? { runId: args.runId, artifact: args.artifact } : await this.pickRunArtifact('Register which model?').then((p) => p && { runId: p.run.id, artifact: p.artifact });
    if (!picked) return undefined;
    let model = args?.model;
    if (model === undefined) {
      const names = (await this.lifecycle.registry()).models.map((m) => m.name);
      const NEW = '$(add) New model…';
      const choice = names.length ? await vscode.window.showQuickPick([NEW, ...names.map(inertText)], { title: 'Register as a version of which model?' }) : NEW;
      if (!choice) return undefined;
      model = choice === NEW ? await vscode.window.showInputBox({ title: 'Model name', placeHolder: 'e.g. churn-classifier', ignoreFocusOut: true, validateInput: (v) => (/^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/.test(v) ? undefined : 'Start with a letter or digit; use letters, digits, _ . - (at most 128).') }) : names.find((n) => inertText(n) === choice);
      if (!model) return undefined;
    }
    const because = interactive && args?.replaces !== undefined ? await this.pickAlert(model) : args?.becauseOfAlert;
    if (because === null) return undefined;
    const reason = args?.reason ?? await askReason(`Why register this as ${model}${args?.replaces !== undefined ? ` (replacing v${args.replaces})` : ''}?`, args?.replaces !== undefined ? 'e.g. drift on feature X since 2026-11-02' : 'e.g. first model that beats the baseline');
    if (reason === undefined) return undefined;
    const lc = await this.lifecycle.lifecycle();
    const entry = await lc.register({ model, runId: picked.runId, artifact: picked.artifact, reason, ...(args?.stage !== undefined ? { stage: args.stage } : {}),
      ...(args?.replaces !== undefined ? { replaces: args.replaces } : {}), ...(because !== undefined ? { becauseOfAlert: because } : {}) });
    this.lifecycle.changed();
    if (interactive) void vscode.window.showInformationMessage(inertText(`Trialbook: registered ${entry.model} v${entry.version} (${entry.stage ?? 'candidate'}).`));
    return lc.version(entry.model, entry.version);
  }

  /** Register Retrained Version…: a newer run's model as the next version, recording the version it replaces. */
  async retrain(version: { model: string; version: number }, args?: Omit<RegisterArgs, 'model' | 'replaces'>): Promise<ModelVersionState | undefined> {
    const picked = args ?? await this.pickRunArtifact(inertText(`Which run retrained ${version.model} v${version.version}?`)).then((p) => p && { runId: p.run.id, artifact: p.artifact });
    if (!picked) return undefined;
    return this.register({ ...picked, ...(args ?? {}), model: version.model, replaces: version.version });
  }

  /** Change Stage…: promote, demote or archive, with a reason; a promotion passes the gates first. */
  async setStage(args: StageArgs): Promise<boolean> {
    const interactive = args.reason === undefined;
    const lc = await this.lifecycle.lifecycle();
    const current = await lc.version(args.model, args.version);
    let stage = args.stage;
    if (stage === undefined) {
      const CUSTOM = '$(edit) Another stage…';
      const items = [...KNOWN_STAGES.filter((s) => s !== current.stage), CUSTOM];
      const pick = await vscode.window.showQuickPick(items, { title: inertText(`Move ${args.model} v${args.version} from ${current.stage} to`) });
      if (!pick) return false;
      stage = pick === CUSTOM ? await vscode.window.showInputBox({ title: 'Stage name', placeHolder: 'e.g. champion, shadow', ignoreFocusOut: true, validateInput: (v) => stageProblem(v) }) : pick;
      if (!stage) return false;
    }
    const to = stage;
    const because = interactive ? await this.pickAlert(args.model) : args.becauseOfAlert;
    if (because === null) return false;
    const reason = args.reason ?? await askReason(`Why move ${args.model} v${args.version} to ${to}?`, 'e.g. beats v2 on val/acc; two weeks in staging without incidents');
    if (reason === undefined) return false;
    const entry = await this.withGates(`Moving ${args.model} v${args.version} to ${to}`, interactive,
      (overrideReason) => lc.setStage({ model: args.model, version: args.version, stage: to, reason, ...(because !== undefined ? { becauseOfAlert: because } : {}),
        ...((overrideReason ?? args.overrideReason) !== undefined ? { overrideReason: overrideReason ?? args.overrideReason } : {}) }));
    if (!entry) return false;
    this.lifecycle.changed();
    if (interactive) void vscode.window.showInformationMessage(inertText(`Trialbook: ${args.model} v${args.version} is now ${to}${entry.override ? ' (failing gates overridden; recorded)' : ''}.`));
    return true;
  }

  /** Push Version to Registry…: why, gates, then the push (annotated with version, stage, reason), then recorded. */
  async push(args: PushVersionArgs): Promise<string | undefined> {
    const interactive = args.reason === undefined;
    const lc = await this.lifecycle.lifecycle();
    const v = await lc.version(args.model, args.version);
    const reason = args.reason ?? await askReason(`Why push ${args.model} v${args.version} (${v.stage})?`, 'e.g. release 2026.12 to the serving cluster');
    if (reason === undefined) return undefined;
    const checked = await this.withGates(`Pushing ${args.model} v${args.version}`, interactive,
      (overrideReason) => lc.beforePush(args.model, args.version, reason, overrideReason ?? args.overrideReason));
    if (!checked) return undefined;
    const label = { model: args.model, version: args.version, stage: v.stage, reason };
    const result = await this.registries.pushModel(args.push ? { runId: v.runId, artifact: v.artifact, ...args.push } : { runId: v.runId, artifact: v.artifact }, label);
    if (!result) return undefined;
    await lc.recordPush(args.model, args.version, { registry: result.record.registry, reference: result.record.reference, ...(result.record.digest ? { digest: result.record.digest } : {}) }, reason, checked.override);
    this.lifecycle.changed();
    return result.record.reference;
  }

  /** Export Model Report…: HTML and Markdown of a version, where the person chooses (default: reports/ in the workspace). */
  async exportReport(version: { model: string; version: number }, outFile?: string): Promise<string | undefined> {
    const lc = await this.lifecycle.lifecycle();
    const v = await lc.version(version.model, version.version);
    let target = outFile;
    if (target === undefined) {
      const chosen = await vscode.window.showSaveDialog({ title: inertText(`Export the report of ${v.model} v${v.version}`), defaultUri: vscode.Uri.file(path.join(lc.workspace, 'reports', `${reportStem(v)}.html`)), filters: { HTML: ['html'] } });
      if (!chosen) return undefined;
      target = chosen.fsPath;
    }
    const index = await this.lifecycle.host.get();
    const written = await writeModelReport(await buildReportInput(lc, index, v.model, v.version, new Date(), this.lifecycle.trialbookDir), path.dirname(target), path.basename(target).replace(/\.html?$/i, ''));
    if (outFile === undefined) {
      void vscode.window.showInformationMessage(inertText(`Trialbook: report of ${v.model} v${v.version} written to ${written.html} and ${path.basename(written.markdown)}.`), 'Open Markdown').then((c) => {
        if (c) void vscode.commands.executeCommand('markdown.showPreview', vscode.Uri.file(written.markdown));
      });
    }
    return written.html;
  }

  /** Open Gates File: creates it with an example for the registered models when it does not exist. */
  async openGatesFile(): Promise<void> {
    const file = this.lifecycle.gatesPath;
    if (!(await fsp.stat(this.lifecycle.trialbookDir).then((st) => st.isDirectory(), () => false))) {
      void vscode.window.showInformationMessage('Trialbook: nothing is tracked in this folder yet. Gates apply to registered models: log a run with a model first.');
      return;
    }
    const exists = await fsp.stat(file).then(() => true, () => false);
    if (!exists) {
      const names = (await this.lifecycle.registry()).models.map((m) => m.name);
      const example: Record<string, Record<string, string>> = {};
      for (const name of names.length ? names : ['my-model']) Object.defineProperty(example, name, { value: { accuracy: 'val/acc >= 0.9' }, enumerable: true });
      await fsp.writeFile(file, `${JSON.stringify(example, null, 2)}\n`, { flag: 'wx' }).catch(() => undefined);
    }
    await vscode.window.showTextDocument(vscode.Uri.file(file));
  }
}
