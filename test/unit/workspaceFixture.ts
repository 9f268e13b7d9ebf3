// Builds real `.trialbook` workspaces in temp folders; run logs come from the test-log builder (test/fixtures/runLog.ts),
// which checks every event against schema/event.schema.json.
import { spawnSync, type SpawnSyncOptions } from 'node:child_process';
import { appendFileSync, chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { buildSync } from 'esbuild';
import { tmpdir } from 'node:os';
import { basename, dirname, join, resolve } from 'node:path';
import type { Logger } from '../../src/core/model';
import type { OpenIndexOptions } from '../../src/core/runIndex';
import { RunLog } from '../fixtures/runLog';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
/** sql.js's WASM; a child running as another user gets a copy it can read (see `childScript`). */
export const WASM_PATH = process.env.TRIALBOOK_TEST_WASM ?? join(REPO_ROOT, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');

export interface CapturedLog extends Logger { infos: string[]; warnings: string[]; errors: string[] }

export function captureLog(): CapturedLog {
  const infos: string[] = [];
  const warnings: string[] = [];
  const errors: string[] = [];
  return { infos, warnings, errors, info: (m) => { infos.push(m); }, warn: (m) => { warnings.push(m); }, error: (m) => { errors.push(m); } };
}

export class Workspace {
  readonly root: string;
  readonly trialbookDir: string;

  constructor() {
    this.root = mkdtempSync(join(tmpdir(), 'trialbook-test-'));
    this.trialbookDir = join(this.root, '.trialbook');
    mkdirSync(join(this.trialbookDir, 'runs'), { recursive: true });
  }

  logPath(runId: string): string {
    return join(this.trialbookDir, 'runs', runId, 'events.jsonl');
  }

  /** Appends raw text to a run's log (no newline added, not checked): for lines a test means to be bad or partial. */
  appendRaw(runId: string, text: string | Buffer): void {
    mkdirSync(join(this.trialbookDir, 'runs', runId), { recursive: true });
    appendFileSync(this.logPath(runId), text);
  }

  /** Appends what `log` has not written yet to its run's log (see RunLog.writeTo). */
  append(log: RunLog): void {
    log.writeTo(this.trialbookDir);
  }

  /** A complete run: start, `steps` metric events, end; returns its log, to go on appending with `append`. */
  writeRun(runId: string, opts: { experiment?: string; name?: string; steps?: number; t0?: number; config?: Record<string, unknown>; tags?: string[];
    notes?: string; status?: 'finished' | 'failed' | 'killed' | null; metrics?: (step: number) => Record<string, number | string> } = {}): RunLog {
    const t0 = opts.t0 ?? 1_795_743_612;
    const log = new RunLog(runId, { t0 }).start({
      experiment: opts.experiment ?? 'demo', name: opts.name ?? `run-${runId.slice(-4)}`,
      config: opts.config ?? { lr: 0.01 }, tags: opts.tags ?? [], notes: opts.notes ?? '',
      lineage: { user: 'ada', host: 'box', script: '/w/train.py', git: { commit: 'abc123' } },
    });
    const steps = opts.steps ?? 5;
    const metrics = opts.metrics ?? ((s: number) => ({ loss: 1 / (s + 1), acc: s / steps }));
    for (let s = 0; s < steps; s++) log.metrics(s, metrics(s), { ts: t0 + 0.5 + s * 0.25 });
    if (opts.status !== null) log.end(opts.status ?? 'finished', undefined, t0 + 1 + steps * 0.25);
    this.append(log);
    return log;
  }

  options(log: Logger, extra: Partial<OpenIndexOptions> = {}): OpenIndexOptions {
    return { trialbookDir: this.trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 50, ...extra };
  }

  dispose(): void {
    rmSync(this.root, { recursive: true, force: true });
  }
}

export function runId(n: number): string {
  return `20261127T0240${String(n % 100000).padStart(5, '0')}-${(0x3f9a1c7b2e + n).toString(16).slice(-10)}`;
}

/**
 * Spawn options that make permission bits count: root bypasses them, so as root the child runs as `nobody`
 * (uid 65534); any other user runs it as itself. Folders on the way to `root` must let that user through.
 */
export function unprivileged(root: string): SpawnSyncOptions {
  chmodSync(root, 0o755);
  return process.getuid?.() === 0 ? { uid: 65534, gid: 65534 } : {};
}

/** What indexChild.js reports in its one-shot `report` mode. */
export interface ChildReport {
  isWriter: boolean;
  openNotice?: string;
  readOnlyReason?: string;
  runs: string[];
  problems: Array<{ runId: string; file: string; line: number; reason: string }>;
  /** The sync report's notice. */
  notice?: string;
  warnings: string[];
  error?: string;
}

let portableDir: string | undefined;
const portable = new Map<string, string>();

/**
 * `entry` (a compiled script) for a child running as another user: the repository may sit where only its owner can
 * enter (a CI clone in a 0700 temp folder), so the script is bundled into one file, beside a copy of sql.js's WASM,
 * in a folder any user can read. Built once per script and test process.
 */
export function portableScript(entry: string): string {
  if (!portableDir) {
    const dir = mkdtempSync(join(tmpdir(), 'trialbook-child-'));
    chmodSync(dir, 0o755);
    const wasm = join(dir, 'sql-wasm.wasm');
    copyFileSync(WASM_PATH, wasm);
    chmodSync(wasm, 0o644);
    process.on('exit', () => rmSync(dir, { recursive: true, force: true }));
    portableDir = dir;
  }
  let script = portable.get(entry);
  if (!script) {
    script = join(portableDir, `${portable.size}-${entry.split(/[\\/]/).pop() ?? 'script.js'}`);
    buildSync({ entryPoints: [entry], bundle: true, platform: 'node', format: 'cjs', outfile: script, logLevel: 'error' });
    chmodSync(script, 0o644);
    // The CLI's entry starts its work from cliMain.js beside it (src/cli/processExit.ts): that goes along.
    const work = join(dirname(entry), 'cliMain.js');
    if (basename(entry) === 'cli.js' && existsSync(work)) {
      const copy = join(portableDir, 'cliMain.js');
      buildSync({ entryPoints: [work], bundle: true, platform: 'node', format: 'cjs', outfile: copy, logLevel: 'error' });
      chmodSync(copy, 0o644);
    }
    portable.set(entry, script);
  }
  return script;
}

/** The environment of a portable script's child: it finds the WASM copied beside it. */
export function portableEnv(): NodeJS.ProcessEnv {
  const wasm = join(portableDir ?? '', 'sql-wasm.wasm');
  return { ...process.env, TRIALBOOK_TEST_WASM: wasm, TRIALBOOK_SQL_WASM: wasm };
}

/** Opens the index of `trialbookDir` in a child process, syncs once and reports; fails when it does not end in time. */
export function reportFromChild(trialbookDir: string, options: SpawnSyncOptions = {}, timeoutMs = 30_000): ChildReport {
  const child = join(__dirname, 'indexChild.js');
  const script = options.uid === undefined ? child : portableScript(child);
  const r = spawnSync(process.execPath, [script, trialbookDir, 'report'], { ...options, ...(options.uid === undefined ? {} : { env: portableEnv() }), encoding: 'utf8', timeout: timeoutMs });
  if (r.error || r.status !== 0) throw new Error(`the index child failed (${r.error?.message ?? `status ${r.status}, signal ${r.signal}`}): ${String(r.stderr)}`);
  return JSON.parse(String(r.stdout)) as ChildReport;
}

/**
 * Damages the database page that holds the start of `blob` (a chunk's bytes): its b-tree page type becomes
 * invalid, so SQLite reports "database disk image is malformed" when it reads that page. Returns the page number.
 */
export function damagePageHolding(dbFile: string, blob: Uint8Array): number {
  const bytes = readFileSync(dbFile);
  const prefix = Buffer.from(blob.subarray(0, Math.min(blob.length, 64)));
  const pageSize = bytes.readUInt16BE(16) === 1 ? 65536 : bytes.readUInt16BE(16);
  const typeOffset = (page: number): number => page * pageSize + (page === 0 ? 100 : 0);
  // Stale copies can linger in the unused space of other pages: the live cell is on a table leaf page (type 13).
  const leaves = new Set<number>();
  for (let at = bytes.indexOf(prefix); at >= 0; at = bytes.indexOf(prefix, at + 1)) {
    const page = Math.floor(at / pageSize);
    if (bytes[typeOffset(page)] === 0x0d) leaves.add(page);
  }
  const [page, ...others] = [...leaves];
  if (page === undefined || others.length > 0) throw new Error(`the chunk is on ${leaves.size} table leaf pages, not one`);
  bytes[typeOffset(page)] = 0x00;
  writeFileSync(dbFile, bytes);
  return page + 1;
}
