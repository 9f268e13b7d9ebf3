// The model lifecycle use case for the CLI and the editor alike: register, retrain, change stage, record pushes and
// corrections, each with a required reason and who/when, appended to the transition log; gates checked before
// every promotion and push (a failing gate blocks unless the person overrides it with a reason, which is recorded).
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import type { RunDetail } from '../model';
import { evaluateGates, failing, type GateResult } from './gateEval';
import { GATES_FILE, gatesFor, readGatesText, type GateDefinition, type GatesRead } from './gatesFile';
import { alertAt, findVersion, replay, stageAction, type ModelVersionState, type Registry } from './modelState';
import { currentWho } from './identity';
import { appendTransition, readLog, type AlertRecord, type GateOverride, type LogEntry, type Transition, type Who } from './transitionLog';

export class LifecycleError extends Error {
  constructor(readonly code: 'input' | 'usage', message: string) { super(message); }
}

/** A promotion or push stopped by failing gates; `results` holds every gate's result. */
export class GateBlockedError extends Error {
  constructor(readonly results: GateResult[], what: string) {
    const bad = failing(results);
    super(`${what} is blocked by ${bad.length === 1 ? 'a failing gate' : `${bad.length} failing gates`}: ${bad.map((r) => `${r.gate.name} (${r.message})`).join('; ')}. Fix the model, or override with a reason.`);
  }
}

const MAX_REASON = 2000;
const NAME_RE = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,127}$/;
/** Stages double as OCI tags and MLflow aliases, so they follow both rules. */
const STAGE_RE = /^[A-Za-z0-9_][A-Za-z0-9_-]{0,62}$/;

/** What is wrong with a reason, or undefined. */
export function reasonProblem(reason: string | undefined): string | undefined {
  if (reason === undefined || reason.trim() === '') return 'A reason is required: say why in a few words (e.g. "beats v2 on val/acc", "drift on feature X since 2026-11-02"). It is recorded in .trialbook/models.jsonl with who and when.';
  if (reason.length > MAX_REASON) return `The reason is ${reason.length} characters long; keep it under ${MAX_REASON} (link to a longer document instead).`;
  return undefined;
}

export function modelNameProblem(name: string): string | undefined {
  return NAME_RE.test(name) ? undefined : `Model name "${name}" is not valid: start with a letter or digit; use letters, digits, _ . - (at most 128).`;
}

export function stageProblem(stage: string): string | undefined {
  if (!STAGE_RE.test(stage)) return `Stage "${stage}" is not valid: use letters, digits, _ and - (at most 63), so it can also be a registry tag and an MLflow alias.`;
  if (stage.toLowerCase() === 'latest' || /^v\d+$/i.test(stage)) return `Stage "${stage}" is reserved (MLflow aliases cannot be "latest" or look like a version); choose another, e.g. champion.`;
  return undefined;
}

function check(problem: string | undefined): void {
  if (problem) throw new LifecycleError('input', problem);
}

export interface LifecycleOptions {
  /** The run a version came from (for gates); undefined when the index has no such run. */
  run(runId: string): RunDetail | undefined;
  /** Gates from settings (the editor's trialbook.gates). */
  settingsGates?(): GateDefinition[];
  who?(): Promise<Who>;
  now?(): Date;
}

export interface RegisterSpec {
  model: string;
  runId: string;
  artifact: string;
  reason: string;
  stage?: string;
  /** Retrain: the version this one replaces. */
  replaces?: number;
  /** The line of the alert entry this registration answers. */
  becauseOfAlert?: number;
}

export interface StageSpec {
  model: string;
  version: number;
  stage: string;
  reason: string;
  /** The reason for letting failing gates through; without it a failing gate blocks a promotion. */
  overrideReason?: string;
  /** The line of the alert entry this change answers (e.g. a demotion after a drift alert). */
  becauseOfAlert?: number;
}

export class ModelLifecycle {
  readonly workspace: string;

  constructor(readonly trialbookDir: string, private readonly options: LifecycleOptions) {
    this.workspace = path.dirname(trialbookDir);
  }

  async registry(): Promise<Registry> {
    const read = await readLog(this.trialbookDir);
    return replay(read.entries, read.problems);
  }

  gatesPath(): string {
    return path.join(this.trialbookDir, GATES_FILE);
  }

  /** The gates file as read (problems with offsets), plus the gates from settings. */
  async readGates(): Promise<GatesRead & { text: string }> {
    let text = '';
    try {
      text = await fsp.readFile(this.gatesPath(), 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    }
    const read = readGatesText(text);
    return { gates: [...read.gates, ...(this.options.settingsGates?.() ?? [])], problems: read.problems, text };
  }

  async version(model: string, version: number): Promise<ModelVersionState> {
    const found = findVersion(await this.registry(), model, version);
    if (!found) throw new LifecycleError('usage', `No model "${model}" v${version} in ${path.join(this.trialbookDir, 'models.jsonl')}. Register it first.`);
    return found;
  }

  /** Every gate of the version's model, evaluated on the run it came from. */
  async checkGates(model: string, version: number): Promise<GateResult[]> {
    const v = await this.version(model, version);
    const { gates } = await this.readGates();
    return evaluateGates(gatesFor(model, gates), this.options.run(v.runId));
  }

  private async append(t: Omit<Transition, 'at' | 'who'>): Promise<LogEntry> {
    const who = await (this.options.who?.() ?? currentWho(this.workspace));
    const at = (this.options.now?.() ?? new Date()).toISOString();
    return appendTransition(this.trialbookDir, { ...t, at, who });
  }

  /** Gates before a promotion or push: throws GateBlockedError, or answers the override to record. */
  private async gateCheck(model: string, version: number, what: string, overrideReason: string | undefined): Promise<GateOverride | undefined> {
    const results = await this.checkGates(model, version);
    const bad = failing(results);
    if (bad.length === 0) return undefined;
    if (overrideReason === undefined) throw new GateBlockedError(results, what);
    const problem = reasonProblem(overrideReason);
    if (problem) throw new LifecycleError('input', `Overriding failing gates needs its own reason. ${problem}`);
    return { gates: bad.map((r) => r.gate.name), reason: overrideReason };
  }

  /** The alerts of a model, newest first, with their lines (for "because of which alert?"). */
  async alerts(model: string): Promise<Array<{ line: number; version: number; entry: LogEntry }>> {
    const m = (await this.registry()).models.find((x) => x.name === model);
    return (m?.history ?? []).filter((h) => h.entry.action === 'alert').map((h) => ({ line: h.line, version: h.entry.version, entry: h.entry })).reverse();
  }

  /**
   * Records a monitoring alert of a registered version, once per alerting batch: answers the new entry, or undefined
   * when that batch's alert is already in the log. The reason is the findings, so the log reads on its own.
   */
  async recordAlert(model: string, version: number, alert: AlertRecord): Promise<LogEntry | undefined> {
    const v = await this.version(model, version);
    if (v.alerts.some((h) => h.entry.alert?.run === alert.run && h.entry.alert.batch === alert.batch)) return undefined;
    const findings = alert.findings.length ? alert.findings.join('; ') : 'threshold crossed';
    const reason = `monitoring alert: ${findings}`;
    return this.append({ action: 'alert', model, version, stage: v.stage, reason: reason.length > MAX_REASON ? `${reason.slice(0, MAX_REASON - 1)}…` : reason, alert });
  }

  private async checkAlertLink(model: string, line: number | undefined, registry?: Registry): Promise<void> {
    if (line === undefined) return;
    if (!alertAt(registry ?? await this.registry(), model, line)) {
      throw new LifecycleError('usage', `Line ${line} of ${path.join(this.trialbookDir, 'models.jsonl')} is not an alert of "${model}"; name the line of one of its alert entries.`);
    }
  }

  async register(spec: RegisterSpec): Promise<LogEntry> {
    check(modelNameProblem(spec.model));
    check(reasonProblem(spec.reason));
    const stage = spec.stage ?? 'candidate';
    check(stageProblem(stage));
    const run = this.options.run(spec.runId);
    if (!run) throw new LifecycleError('usage', `No run "${spec.runId}" in this workspace.`);
    const artifact = [...run.artifacts].reverse().find((a) => a.name === spec.artifact);
    if (!artifact) throw new LifecycleError('usage', `Run ${spec.runId} logged no artifact "${spec.artifact}" (artifacts: ${run.artifacts.map((a) => a.name).join(', ') || 'none'}).`);
    const registry = await this.registry();
    await this.checkAlertLink(spec.model, spec.becauseOfAlert, registry);
    const existing = registry.models.find((m) => m.name === spec.model);
    if (spec.replaces !== undefined && !existing?.versions.some((v) => v.version === spec.replaces)) {
      throw new LifecycleError('usage', `"${spec.model}" has no v${spec.replaces} to replace.`);
    }
    const version = Math.max(0, ...(existing?.versions.map((v) => v.version) ?? [])) + 1;
    return this.append({
      action: spec.replaces !== undefined ? 'retrain' : 'register', model: spec.model, version, stage, reason: spec.reason,
      runId: run.id, artifact: artifact.name, sha256: artifact.sha256,
      ...(spec.replaces !== undefined ? { replaces: spec.replaces } : {}),
      ...(spec.becauseOfAlert !== undefined ? { becauseOfAlert: spec.becauseOfAlert } : {}),
    });
  }

  /** Promote, demote or archive (named by where the stage moves); promotions pass the gates first. */
  async setStage(spec: StageSpec): Promise<LogEntry> {
    check(reasonProblem(spec.reason));
    check(stageProblem(spec.stage));
    const v = await this.version(spec.model, spec.version);
    if (v.stage === spec.stage) throw new LifecycleError('input', `${spec.model} v${spec.version} is already in ${spec.stage}.`);
    await this.checkAlertLink(spec.model, spec.becauseOfAlert);
    const action = stageAction(v.stage, spec.stage);
    const override = action === 'promote' ? await this.gateCheck(spec.model, spec.version, `Promoting ${spec.model} v${spec.version} to ${spec.stage}`, spec.overrideReason) : undefined;
    return this.append({ action, model: spec.model, version: spec.version, from: v.stage, stage: spec.stage, reason: spec.reason,
      ...(spec.becauseOfAlert !== undefined ? { becauseOfAlert: spec.becauseOfAlert } : {}), ...(override ? { override } : {}) });
  }

  /** Before a push: the reason is required and the gates must pass (or be overridden). Answers the override to record. */
  async beforePush(model: string, version: number, reason: string, overrideReason?: string): Promise<{ version: ModelVersionState; override?: GateOverride }> {
    check(reasonProblem(reason));
    const v = await this.version(model, version);
    const override = await this.gateCheck(model, version, `Pushing ${model} v${version}`, overrideReason);
    return { version: v, ...(override ? { override } : {}) };
  }

  async recordPush(model: string, version: number, push: { registry: string; reference: string; digest?: string }, reason: string, override?: GateOverride): Promise<LogEntry> {
    check(reasonProblem(reason));
    const v = await this.version(model, version);
    return this.append({ action: 'push', model, version, stage: v.stage, reason, registry: push.registry, reference: push.reference, ...(push.digest ? { digest: push.digest } : {}), ...(override ? { override } : {}) });
  }

  /** A correction of an earlier entry's reason: a new entry; the old line stays as written. */
  async correct(model: string, version: number, line: number, reason: string): Promise<LogEntry> {
    check(reasonProblem(reason));
    const v = await this.version(model, version);
    if (!v.history.some((h) => h.line === line)) throw new LifecycleError('usage', `Line ${line} of the log is not a transition of ${model} v${version}.`);
    return this.append({ action: 'correct', model, version, corrects: line, reason });
  }
}
