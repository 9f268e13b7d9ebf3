// The model transition log: `.trialbook/models.jsonl`, one JSON object per line, appended and never rewritten (it is
// meant to be committed with the code). Each entry carries `prev`, the SHA-256 of the previous line's exact text
// (GENESIS for the first), so an edited or deleted line breaks the chain at the line after it. Reading keeps every
// line it can: a line that is not a valid entry is reported with its number and skipped, the rest is replayed.
import { createHash } from 'node:crypto';
import { promises as fsp } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../../shared/errorMessage';

export const LOG_FILE = 'models.jsonl';
/** `prev` of the first entry. */
export const GENESIS = '0'.repeat(64);

export type TransitionAction = 'register' | 'retrain' | 'promote' | 'demote' | 'archive' | 'push' | 'correct' | 'alert';
export const ACTIONS: readonly TransitionAction[] = ['register', 'retrain', 'promote', 'demote', 'archive', 'push', 'correct', 'alert'];

/** Who made a transition: the OS account and git's user.name / user.email where the workspace has them. */
export interface Who {
  user?: string;
  gitName?: string;
  gitEmail?: string;
}

/**
 * What monitoring saw (action `alert`): the monitoring run, its batch and the findings at the alert level. Recorded
 * once per alerting batch, so a later transition can say it answers it (`becauseOfAlert`: this entry's line).
 */
export interface AlertRecord {
  run: string;
  batch: number;
  /** The batch's timestamp (seconds since the epoch). */
  timestamp: number;
  findings: string[];
}

/** A failing gate let through by a person, with their reason. */
export interface GateOverride {
  gates: string[];
  reason: string;
}

export interface Transition {
  action: TransitionAction;
  model: string;
  version: number;
  /** ISO time of the transition. */
  at: string;
  who: Who;
  reason: string;
  /** register/retrain: the run and artifact the version is, and the artifact's digest at registration. */
  runId?: string;
  artifact?: string;
  sha256?: string;
  /** retrain: the version this one replaces. */
  replaces?: number;
  /** The stage before and after (register: after only). */
  from?: string;
  stage?: string;
  /** push: where it went. */
  registry?: string;
  reference?: string;
  digest?: string;
  /** correct: the line number of the entry whose reason this corrects. */
  corrects?: number;
  override?: GateOverride;
  /** alert: what monitoring saw. */
  alert?: AlertRecord;
  /** Any other action: the line of the alert entry this transition answers ("retrained because of alert N"). */
  becauseOfAlert?: number;
}

export interface LogEntry extends Transition {
  prev: string;
}

/** A line that was read: its number and the entry (when it is one). */
export interface ReadEntry {
  line: number;
  entry: LogEntry;
}

export interface LogProblem {
  line: number;
  kind: 'unreadable' | 'chain';
  message: string;
}

export interface LogRead {
  entries: ReadEntry[];
  problems: LogProblem[];
  /** The hash the next entry's `prev` must hold. */
  head: string;
}

export function hashLine(line: string): string {
  return createHash('sha256').update(line, 'utf8').digest('hex');
}

const KEYS: ReadonlyArray<keyof LogEntry> = ['action', 'model', 'version', 'stage', 'from', 'at', 'who', 'reason', 'runId', 'artifact', 'sha256', 'replaces', 'registry', 'reference', 'digest', 'corrects', 'becauseOfAlert', 'override', 'alert', 'prev'];

/** One line of the log: keys in a fixed order so a person reads every entry the same way. */
export function serializeEntry(entry: LogEntry): string {
  const ordered: Record<string, unknown> = {};
  for (const k of KEYS) if (entry[k] !== undefined) Object.defineProperty(ordered, k, { value: entry[k], enumerable: true });
  return JSON.stringify(ordered);
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function optString(o: Record<string, unknown>, k: string): string | undefined {
  const v = Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
  if (v === undefined) return undefined;
  if (typeof v !== 'string') throw new Error(`"${k}" is not text`);
  return v;
}

function optInt(o: Record<string, unknown>, k: string): number | undefined {
  const v = Object.prototype.hasOwnProperty.call(o, k) ? o[k] : undefined;
  if (v === undefined) return undefined;
  if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) throw new Error(`"${k}" is not a whole number ≥ 1`);
  return v;
}

/** Reads one line as an entry; throws with what is wrong. */
export function parseEntry(line: string): LogEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new Error('not JSON');
  }
  if (!isRecord(raw)) throw new Error('not a JSON object');
  const action = optString(raw, 'action');
  if (action === undefined || !(ACTIONS as readonly string[]).includes(action)) throw new Error(`unknown action "${String(action)}"`);
  const model = optString(raw, 'model');
  if (!model) throw new Error('no model name');
  const version = optInt(raw, 'version');
  if (version === undefined) throw new Error('no version');
  const at = optString(raw, 'at');
  if (!at || Number.isNaN(Date.parse(at))) throw new Error('no valid time ("at")');
  const reason = optString(raw, 'reason');
  if (!reason?.trim()) throw new Error('no reason');
  const prev = optString(raw, 'prev');
  if (!prev || !/^[0-9a-f]{64}$/.test(prev)) throw new Error('no previous-entry hash ("prev")');
  const whoRaw = Object.prototype.hasOwnProperty.call(raw, 'who') ? raw['who'] : undefined;
  if (!isRecord(whoRaw)) throw new Error('no "who"');
  const who: Who = {};
  const user = optString(whoRaw, 'user'); if (user !== undefined) who.user = user;
  const gitName = optString(whoRaw, 'gitName'); if (gitName !== undefined) who.gitName = gitName;
  const gitEmail = optString(whoRaw, 'gitEmail'); if (gitEmail !== undefined) who.gitEmail = gitEmail;
  const entry: LogEntry = { action: action as TransitionAction, model, version, at, who, reason, prev };
  for (const k of ['runId', 'artifact', 'sha256', 'from', 'stage', 'registry', 'reference', 'digest'] as const) {
    const v = optString(raw, k);
    if (v !== undefined) entry[k] = v;
  }
  const replaces = optInt(raw, 'replaces'); if (replaces !== undefined) entry.replaces = replaces;
  const corrects = optInt(raw, 'corrects'); if (corrects !== undefined) entry.corrects = corrects;
  const because = optInt(raw, 'becauseOfAlert'); if (because !== undefined) entry.becauseOfAlert = because;
  const alert = parseAlert(raw);
  if (alert) entry.alert = alert;
  if (entry.action === 'alert' && !alert) throw new Error('an alert without its "alert" record');
  const overrideRaw = Object.prototype.hasOwnProperty.call(raw, 'override') ? raw['override'] : undefined;
  if (overrideRaw !== undefined) {
    if (!isRecord(overrideRaw) || !Array.isArray(overrideRaw['gates']) || !overrideRaw['gates'].every((g) => typeof g === 'string') || typeof overrideRaw['reason'] !== 'string') throw new Error('"override" is not { gates, reason }');
    entry.override = { gates: overrideRaw['gates'] as string[], reason: overrideRaw['reason'] };
  }
  return entry;
}

function parseAlert(raw: Record<string, unknown>): AlertRecord | undefined {
  const a = Object.prototype.hasOwnProperty.call(raw, 'alert') ? raw['alert'] : undefined;
  if (a === undefined) return undefined;
  if (!isRecord(a)) throw new Error('"alert" is not an object');
  const run = optString(a, 'run');
  const batch = Object.prototype.hasOwnProperty.call(a, 'batch') ? a['batch'] : undefined;
  const timestamp = Object.prototype.hasOwnProperty.call(a, 'timestamp') ? a['timestamp'] : undefined;
  const findings = Object.prototype.hasOwnProperty.call(a, 'findings') ? a['findings'] : undefined;
  if (!run || typeof batch !== 'number' || !Number.isInteger(batch) || batch < 0 || typeof timestamp !== 'number' || !Number.isFinite(timestamp)
    || !Array.isArray(findings) || !findings.every((f) => typeof f === 'string')) {
    throw new Error('"alert" is not { run, batch, timestamp, findings }');
  }
  return { run, batch, timestamp, findings: findings as string[] };
}

/**
 * Reads the log text: every valid entry, and the problems (unreadable lines, and chain breaks: an entry whose
 * `prev` is not the hash of the line before it, which means that line was edited, or lines were removed or inserted).
 */
export function readLogText(text: string): LogRead {
  const entries: ReadEntry[] = [];
  const problems: LogProblem[] = [];
  const lines = text.split('\n');
  if (lines[lines.length - 1] === '') lines.pop();
  let expected = GENESIS;
  lines.forEach((line, i) => {
    const n = i + 1;
    if (line.trim() === '') {
      problems.push({ line: n, kind: 'unreadable', message: `line ${n} is empty` });
      expected = hashLine(line);
      return;
    }
    try {
      const entry = parseEntry(line);
      if (entry.prev !== expected) {
        problems.push({ line: n, kind: 'chain', message: n === 1 ? 'line 1 does not start the chain: lines before it were removed' : `line ${n} does not follow line ${n - 1}: line ${n - 1} was changed after line ${n} was written, or lines between them were removed or inserted` });
      }
      entries.push({ line: n, entry });
    } catch (err) {
      problems.push({ line: n, kind: 'unreadable', message: `line ${n} is not a transition (${errorMessage(err)}); it was skipped` });
    }
    expected = hashLine(line);
  });
  return { entries, problems, head: expected };
}

export function logPath(trialbookDir: string): string {
  return path.join(trialbookDir, LOG_FILE);
}

export async function readLog(trialbookDir: string): Promise<LogRead> {
  let text: string;
  try {
    text = await fsp.readFile(logPath(trialbookDir), 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { entries: [], problems: [], head: GENESIS };
    throw err;
  }
  return readLogText(text);
}

/**
 * Appends one transition, chained to the last line as it is on disk now. A last line cut short (a crash while
 * writing) stays as it is and is chained to: nothing already written is changed.
 */
export async function appendTransition(trialbookDir: string, transition: Transition): Promise<LogEntry> {
  const file = logPath(trialbookDir);
  await fsp.mkdir(trialbookDir, { recursive: true });
  let text = '';
  try {
    text = await fsp.readFile(file, 'utf8');
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
  }
  const lines = text.split('\n');
  const endsWithNewline = text === '' || text.endsWith('\n');
  if (endsWithNewline) lines.pop();
  const last = lines[lines.length - 1];
  const prev = last === undefined ? GENESIS : hashLine(last);
  const entry: LogEntry = { ...transition, prev };
  await fsp.appendFile(file, `${endsWithNewline ? '' : '\n'}${serializeEntry(entry)}\n`, 'utf8');
  return entry;
}
