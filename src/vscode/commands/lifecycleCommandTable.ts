// The model lifecycle commands' arguments: a node of the Models view (a logged model, a registered version), or an
// object for automation and tests; each shape checked, a wrong one named with what the command expects.
import type { LifecycleCommands, PushVersionArgs, RegisterArgs, StageArgs } from '../lifecycleCommands';
import { CommandArgumentError, describeValue, isRecord, type ArgumentSlot, type CommandArguments } from './commandArgs';
import type { CommandTable } from './commandRunner';

type LifecycleKey = 'registerModel' | 'retrainModel' | 'setModelStage' | 'pushModelVersion' | 'openGatesFile' | 'exportModelReport';

function own(value: Record<string, unknown>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(value, name) ? value[name] : undefined;
}

function wrong(slot: ArgumentSlot, expected: string, value: unknown): never {
  throw new CommandArgumentError(`${slot.command}: argument ${slot.index + 1} must be ${expected}; it was ${describeValue(value)}.`);
}

function optString(v: Record<string, unknown>, name: string, slot: ArgumentSlot, expected: string): string | undefined {
  const x = own(v, name);
  if (x === undefined) return undefined;
  return typeof x === 'string' ? x : wrong(slot, expected, v);
}

function optVersion(v: Record<string, unknown>, name: string, slot: ArgumentSlot, expected: string): number | undefined {
  const x = own(v, name);
  if (x === undefined) return undefined;
  return typeof x === 'number' && Number.isInteger(x) && x >= 1 ? x : wrong(slot, expected, v);
}

const REGISTER = 'a model of the Models view, or { runId, artifact, model?, reason?, stage? }';
const VERSION = 'a version of the Models view ({ kind: "version", version }), or { model, version, … }';

export function registerArg(value: unknown, slot: ArgumentSlot): RegisterArgs | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) return wrong(slot, REGISTER, value);
  if (own(value, 'kind') === 'model') {
    const run = own(value, 'run');
    const artifact = own(value, 'artifact');
    const runId = isRecord(run) ? own(run, 'id') : undefined;
    const name = isRecord(artifact) ? own(artifact, 'name') : undefined;
    if (typeof runId === 'string' && typeof name === 'string') return { runId, artifact: name };
    return wrong(slot, REGISTER, value);
  }
  const runId = optString(value, 'runId', slot, REGISTER);
  const artifact = optString(value, 'artifact', slot, REGISTER);
  if (runId === undefined || artifact === undefined) return wrong(slot, REGISTER, value);
  const out: RegisterArgs = { runId, artifact };
  const model = optString(value, 'model', slot, REGISTER); if (model !== undefined) out.model = model;
  const reason = optString(value, 'reason', slot, REGISTER); if (reason !== undefined) out.reason = reason;
  const stage = optString(value, 'stage', slot, REGISTER); if (stage !== undefined) out.stage = stage;
  return out;
}

/** A registered version, from a tree node or { model, version } (with the rest of `value` for the command); nothing: undefined. */
export function versionArg(value: unknown, slot: ArgumentSlot): { model: string; version: number; rest: Record<string, unknown> } | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) return wrong(slot, VERSION, value);
  if (own(value, 'kind') === 'version') {
    const v = own(value, 'version');
    if (!isRecord(v)) return wrong(slot, VERSION, value);
    const model = optString(v, 'model', slot, VERSION);
    const version = optVersion(v, 'version', slot, VERSION);
    if (model === undefined || version === undefined) return wrong(slot, VERSION, value);
    return { model, version, rest: {} };
  }
  const model = optString(value, 'model', slot, VERSION);
  const version = optVersion(value, 'version', slot, VERSION);
  if (model === undefined || version === undefined) return wrong(slot, VERSION, value);
  return { model, version, rest: value };
}

export function lifecycleCommands(commands: LifecycleCommands): CommandTable<LifecycleKey> {
  /** The version a command is about: its argument, else the person picks one (undefined: cancelled or none). */
  const target = async (args: CommandArguments, title: string): Promise<{ model: string; version: number; rest: Record<string, unknown> } | undefined> => {
    const given = args.get(0, versionArg);
    if (given) return given;
    const picked = await commands.pickVersion(title);
    return picked && { ...picked, rest: {} };
  };
  return {
    registerModel: (args) => commands.register(args.get(0, registerArg)),
    retrainModel: async (args) => {
      const t = await target(args, 'Register a retrained version of which model version?');
      if (!t) return undefined;
      const slot = { command: args.command, index: 0 };
      const runId = optString(t.rest, 'runId', slot, VERSION);
      const artifact = optString(t.rest, 'artifact', slot, VERSION);
      const reason = optString(t.rest, 'reason', slot, VERSION);
      const because = optVersion(t.rest, 'becauseOfAlert', slot, VERSION);
      return commands.retrain({ model: t.model, version: t.version }, runId !== undefined && artifact !== undefined
        ? { runId, artifact, ...(reason !== undefined ? { reason } : {}), ...(because !== undefined ? { becauseOfAlert: because } : {}) } : undefined);
    },
    setModelStage: async (args) => {
      const t = await target(args, 'Change the stage of which model version?');
      if (!t) return false;
      const slot = { command: args.command, index: 0 };
      const spec: StageArgs = { model: t.model, version: t.version };
      const stage = optString(t.rest, 'stage', slot, VERSION); if (stage !== undefined) spec.stage = stage;
      const reason = optString(t.rest, 'reason', slot, VERSION); if (reason !== undefined) spec.reason = reason;
      const overrideReason = optString(t.rest, 'overrideReason', slot, VERSION); if (overrideReason !== undefined) spec.overrideReason = overrideReason;
      const because = optVersion(t.rest, 'becauseOfAlert', slot, VERSION); if (because !== undefined) spec.becauseOfAlert = because;
      return commands.setStage(spec);
    },
    pushModelVersion: async (args) => {
      const t = await target(args, 'Push which model version?');
      if (!t) return undefined;
      const slot = { command: args.command, index: 0 };
      const spec: PushVersionArgs = { model: t.model, version: t.version };
      const reason = optString(t.rest, 'reason', slot, VERSION); if (reason !== undefined) spec.reason = reason;
      const overrideReason = optString(t.rest, 'overrideReason', slot, VERSION); if (overrideReason !== undefined) spec.overrideReason = overrideReason;
      const registry = optString(t.rest, 'registry', slot, VERSION);
      const tag = optString(t.rest, 'tag', slot, VERSION);
      if (registry !== undefined) spec.push = { registry, version: tag ?? `v${t.version}`, confirmed: own(t.rest, 'confirmed') === true };
      return commands.push(spec);
    },
    openGatesFile: () => commands.openGatesFile(),
    exportModelReport: async (args) => {
      const t = await target(args, 'Export the report of which model version?');
      if (!t) return undefined;
      return commands.exportReport({ model: t.model, version: t.version }, optString(t.rest, 'outFile', { command: args.command, index: 0 }, VERSION));
    },
  };
}
