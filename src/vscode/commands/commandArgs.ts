// Typed parsing of command arguments (no vscode import: unit-tested). A command receives whatever a menu, a
// keybinding, a webview, another extension or a test passes; each shape is checked here, and a wrong one is
// reported with the command, the argument and what it expects, instead of failing somewhere inside.
import type { PushRecord } from '../../core/model';
import type { Credentials } from '../../core/registry/types';

export class CommandArgumentError extends Error {
  override readonly name = 'CommandArgumentError';
}

/** Which argument of which command is being read, for messages. */
export interface ArgumentSlot {
  command: string;
  /** 0 for the first argument. */
  index: number;
}

const ordinals = ['first', 'second', 'third', 'fourth'];

/** What a value is, in words: `the number 42`, `the string "x"`, `an array`, `an object`, `nothing`. */
export function describeValue(value: unknown): string {
  if (value === undefined || value === null) return 'nothing';
  if (typeof value === 'string') return `the string ${JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value)}`;
  if (typeof value === 'number' || typeof value === 'boolean' || typeof value === 'bigint') return `the ${typeof value} ${String(value)}`;
  if (Array.isArray(value)) return value.length ? 'an array' : 'an empty array';
  if (typeof value === 'function') return 'a function';
  return 'an object';
}

function fail(slot: ArgumentSlot, expected: string, got: string): never {
  throw new CommandArgumentError(`${slot.command}: the ${ordinals[slot.index] ?? `#${slot.index + 1}`} argument must be ${expected}; it was ${got}.`);
}

/** The arguments one call of a command received, read through the parsers below. */
export class CommandArguments {
  constructor(readonly command: string, private readonly values: readonly unknown[]) {}

  /** Argument `index` (0-based) read by `parse`, which throws a CommandArgumentError for a wrong shape. */
  get<T>(index: number, parse: (value: unknown, slot: ArgumentSlot) => T): T {
    return parse(this.values[index], { command: this.command, index });
  }
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** An own property of an object from outside (never one inherited from Object.prototype). */
function field(value: Record<string, unknown>, name: string): unknown {
  return Object.prototype.hasOwnProperty.call(value, name) ? value[name] : undefined;
}

function isRunLike(value: unknown): value is Record<string, unknown> {
  return isRecord(value) && typeof field(value, 'id') === 'string';
}

/** A node of the Runs view, reduced to the run ids it stands for (the runs themselves are read fresh from the index). */
export type RunsTreeTarget =
  | { kind: 'run'; runId: string }
  | { kind: 'experiment'; name: string; runIds: string[] };

function treeTarget(value: unknown): RunsTreeTarget | undefined {
  if (!isRecord(value)) return undefined;
  const kind = field(value, 'kind');
  const run = field(value, 'run');
  if (kind === 'run' && isRunLike(run)) return { kind: 'run', runId: String(field(run, 'id')) };
  const name = field(value, 'name');
  const runs = field(value, 'runs');
  if (kind === 'experiment' && typeof name === 'string' && Array.isArray(runs) && runs.every(isRunLike)) {
    return { kind: 'experiment', name, runIds: runs.map((r) => String(field(r, 'id'))) };
  }
  return undefined;
}

const TREE_NODE = 'a node of the Runs view ({ kind: "run", run } or { kind: "experiment", name, runs }), or nothing to pick a run';

/** The clicked node of the Runs view; undefined when none was given. */
export function treeNodeArg(value: unknown, slot: ArgumentSlot): RunsTreeTarget | undefined {
  if (value === undefined || value === null) return undefined;
  return treeTarget(value) ?? fail(slot, TREE_NODE, describeValue(value));
}

/**
 * The selected nodes of the Runs view as a command received them. VS Code forgets a tree's nodes while it refreshes
 * the tree (until it has asked for them again), and passes null for a selected node it could not resolve in that
 * moment: those are counted in `unresolved` (see settledSelection), not refused.
 */
export interface TreeSelection {
  nodes: RunsTreeTarget[];
  unresolved: number;
}

/** The selected nodes of the Runs view (VS Code passes them after the clicked node); undefined when none were given. */
export function treeSelectionArg(value: unknown, slot: ArgumentSlot): TreeSelection | undefined {
  if (value === undefined || value === null) return undefined;
  const expected = 'the selected nodes of the Runs view (an array of nodes), or nothing';
  if (!Array.isArray(value)) return fail(slot, expected, describeValue(value));
  const nodes = value.filter((v) => v !== null && v !== undefined).map((v) => treeTarget(v) ?? fail(slot, expected, `an array holding ${describeValue(v)}`));
  return { nodes, unresolved: value.length - nodes.length };
}

/**
 * The runs a tree command applies to: the clicked node, or the whole multi-selection when it includes the
 * clicked node (VS Code passes both); each run once, in order.
 */
export function runIdsOf(node: RunsTreeTarget | undefined, selection: readonly RunsTreeTarget[] | undefined): string[] {
  const ids = (t: RunsTreeTarget): string[] => (t.kind === 'run' ? [t.runId] : t.runIds);
  const same = (a: RunsTreeTarget, b: RunsTreeTarget): boolean =>
    (a.kind === 'run' && b.kind === 'run' && a.runId === b.runId) || (a.kind === 'experiment' && b.kind === 'experiment' && a.name === b.name);
  const inSelection = node !== undefined && (selection ?? []).some((s) => same(s, node));
  const nodes = inSelection || !node ? selection ?? [] : [node];
  return [...new Set(nodes.flatMap(ids))];
}

/** A run id (from a webview, the CLI, a test) or a node of the Runs view. */
export type RunRef = { kind: 'id'; runId: string } | RunsTreeTarget;

export function runRefArg(value: unknown, slot: ArgumentSlot): RunRef | undefined {
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string' && value.trim()) return { kind: 'id', runId: value };
  return treeTarget(value) ?? fail(slot, 'a run id or a node of the Runs view, or nothing to pick a run', describeValue(value));
}

/** A list of run ids; undefined (pick) when none or an empty list was given. */
export function runIdsArg(value: unknown, slot: ArgumentSlot): string[] | undefined {
  if (value === undefined || value === null) return undefined;
  const expected = 'a list of run ids (strings), or nothing to pick runs';
  if (!Array.isArray(value)) return fail(slot, expected, describeValue(value));
  const bad = value.find((v) => typeof v !== 'string');
  if (bad !== undefined || value.includes(undefined)) return fail(slot, expected, `an array holding ${describeValue(bad)}`);
  return value.length ? value.map(String) : undefined;
}

/** An optional string argument (a sort key, a registry name, an interpreter path). */
export function stringArg(value: unknown, slot: ArgumentSlot, expected: string): string | undefined {
  if (value === undefined || value === null) return undefined;
  return typeof value === 'string' ? value : fail(slot, `${expected}, or nothing`, describeValue(value));
}

/** An optional URI, checked with the editor's own type test (passed in, so this module needs no vscode). */
export function uriArg<U>(value: unknown, slot: ArgumentSlot, isUri: (v: unknown) => v is U): U | undefined {
  if (value === undefined || value === null) return undefined;
  return isUri(value) ? value : fail(slot, 'a file URI (vscode.Uri), or nothing for the active editor', describeValue(value));
}

function stringField(value: Record<string, unknown>, name: string, slot: ArgumentSlot, expected: string, optional: boolean): string | undefined {
  const v = field(value, name);
  if (v === undefined && optional) return undefined;
  if (typeof v === 'string') return v;
  return fail(slot, expected, `an object whose "${name}" is ${describeValue(v)} ("${name}" must be a string)`);
}

function parsePush(value: unknown, slot: ArgumentSlot, expected: string): PushRecord {
  if (!isRecord(value)) return fail(slot, expected, describeValue(value));
  const str = (name: string): string => stringField(value, name, slot, expected, false) ?? '';
  const opt = (name: string): string | undefined => stringField(value, name, slot, expected, true);
  const at = field(value, 'at');
  if (typeof at !== 'number') return fail(slot, expected, `a push whose "at" is ${describeValue(at)} ("at" must be a number)`);
  const push: PushRecord = { runId: str('runId'), artifact: str('artifact'), registry: str('registry'), reference: str('reference'), at };
  for (const name of ['digest', 'version', 'user'] as const) {
    const v = opt(name);
    if (v !== undefined) push[name] = v;
  }
  return push;
}

/** A node of the Models view: a run with models, one model, or one push of a model. */
export type ModelsTarget =
  | { kind: 'run'; runId: string }
  | { kind: 'model'; runId: string; artifact: string }
  | { kind: 'push'; runId: string; artifact: string; push: PushRecord };

function modelsTarget(value: Record<string, unknown>, slot: ArgumentSlot, expected: string): ModelsTarget | undefined {
  const kind = field(value, 'kind');
  const run = field(value, 'run');
  if ((kind !== 'run' && kind !== 'model' && kind !== 'push') || !isRunLike(run)) return undefined;
  const runId = String(field(run, 'id'));
  if (kind === 'run') return { kind, runId };
  const artifact = field(value, 'artifact');
  const name = isRecord(artifact) ? field(artifact, 'name') : undefined;
  if (typeof name !== 'string') return fail(slot, expected, `a ${kind} node without its artifact's name`);
  if (kind === 'model') return { kind, runId, artifact: name };
  return { kind, runId, artifact: name, push: parsePush(field(value, 'push'), slot, expected) };
}

/** A push of the Models view (Verify, Copy Reference); undefined when none was given. */
export function pushNodeArg(value: unknown, slot: ArgumentSlot): Extract<ModelsTarget, { kind: 'push' }> | undefined {
  if (value === undefined || value === null) return undefined;
  const expected = 'a push of the Models view ({ kind: "push", run, artifact, push })';
  const target = isRecord(value) ? modelsTarget(value, slot, expected) : undefined;
  return target?.kind === 'push' ? target : fail(slot, expected, describeValue(value));
}

/** Push Model's arguments without prompts (tests, automation): what `RegistryCommands.pushModel` takes. */
export interface PushRequestArgs {
  runId: string;
  artifact: string;
  registry: string;
  version: string;
  alias?: string;
  description?: string;
  confirmed?: boolean;
  /** Send copies of what links outside the model folder point to (else such a link stops the push). */
  followOutsideLinks?: boolean;
}

export type PushModelTarget =
  | { kind: 'models'; target: ModelsTarget }
  | { kind: 'tree'; target: RunsTreeTarget }
  | { kind: 'request'; runId: string; artifact?: string; full?: PushRequestArgs };

const PUSH_ARGS = 'a model of the Models view, a run of the Runs view, or { runId, artifact?, registry?, version?, alias?, description?, confirmed?, followOutsideLinks? }';

/** Push Model from the Models view, the Runs view, or with explicit arguments. */
export function pushModelArg(value: unknown, slot: ArgumentSlot): PushModelTarget | undefined {
  if (value === undefined || value === null) return undefined;
  if (!isRecord(value)) return fail(slot, PUSH_ARGS, describeValue(value));
  if (field(value, 'kind') !== undefined) {
    const tree = treeTarget(value);
    if (tree) return { kind: 'tree', target: tree };
    const models = modelsTarget(value, slot, PUSH_ARGS);
    return models ? { kind: 'models', target: models } : fail(slot, PUSH_ARGS, 'an object whose "kind" is not a node of either view');
  }
  const str = (name: string, optional: boolean): string | undefined => stringField(value, name, slot, PUSH_ARGS, optional);
  const runId = str('runId', false) ?? '';
  const artifact = str('artifact', true);
  const registry = str('registry', true);
  if (registry === undefined) return { kind: 'request', runId, ...(artifact !== undefined ? { artifact } : {}) };
  const version = str('version', false) ?? '';
  if (artifact === undefined) return fail(slot, PUSH_ARGS, 'an object with a "registry" but no "artifact" ("artifact" must be a string)');
  const full: PushRequestArgs = { runId, artifact, registry, version };
  const alias = str('alias', true);
  const description = str('description', true);
  const confirmed = field(value, 'confirmed');
  if (alias !== undefined) full.alias = alias;
  if (description !== undefined) full.description = description;
  if (confirmed !== undefined) {
    if (typeof confirmed !== 'boolean') return fail(slot, PUSH_ARGS, `an object whose "confirmed" is ${describeValue(confirmed)} ("confirmed" must be a boolean)`);
    full.confirmed = confirmed;
  }
  const follow = field(value, 'followOutsideLinks');
  if (follow !== undefined) {
    if (typeof follow !== 'boolean') return fail(slot, PUSH_ARGS, `an object whose "followOutsideLinks" is ${describeValue(follow)} ("followOutsideLinks" must be a boolean)`);
    full.followOutsideLinks = follow;
  }
  return { kind: 'request', runId, artifact, full };
}

/** Credentials given to Add Registry without prompts. */
export function credentialsArg(value: unknown, slot: ArgumentSlot): Credentials {
  const expected = 'a registry entry whose "credentials" are { kind: "anonymous" }, { kind: "basic", username, password } or { kind: "token", token }';
  if (!isRecord(value)) return fail(slot, expected, `credentials that are ${describeValue(value)}`);
  const kind = field(value, 'kind');
  const text = (name: string): string => {
    const v = field(value, name);
    return typeof v === 'string' ? v : fail(slot, expected, `${String(kind)} credentials whose "${name}" is ${describeValue(v)}`);
  };
  if (kind === 'anonymous') return { kind };
  if (kind === 'basic') return { kind, username: text('username'), password: text('password') };
  if (kind === 'token') return { kind, token: text('token') };
  return fail(slot, expected, `credentials of kind ${describeValue(kind)}`);
}

/** Add Registry's settings entry (checked by the registry code itself) and optional credentials, without prompts. */
export function addRegistryArg(value: unknown, slot: ArgumentSlot): Record<string, unknown> | undefined {
  if (value === undefined || value === null) return undefined;
  return isRecord(value) ? value : fail(slot, 'a registry entry ({ name, kind, … , credentials? }), or nothing to be asked', describeValue(value));
}
