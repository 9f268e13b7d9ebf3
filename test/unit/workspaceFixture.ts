// Builds real `.trialbook` workspaces in temp folders, written exactly as docs/event-format.md describes.
import { appendFileSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Logger } from '../../src/core/model';
import type { OpenIndexOptions } from '../../src/core/runIndex';

export const REPO_ROOT = resolve(__dirname, '..', '..', '..');
export const WASM_PATH = join(REPO_ROOT, 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');

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

  /** Appends raw text to a run's log (no newline added). */
  appendRaw(runId: string, text: string | Buffer): void {
    mkdirSync(join(this.trialbookDir, 'runs', runId), { recursive: true });
    appendFileSync(this.logPath(runId), text);
  }

  append(runId: string, ...events: object[]): void {
    this.appendRaw(runId, events.map((e) => `${JSON.stringify(e)}\n`).join(''));
  }

  /** A complete run: start, `steps` metric events, end. */
  writeRun(runId: string, opts: { experiment?: string; name?: string; steps?: number; t0?: number; config?: object; tags?: string[];
    notes?: string; status?: string | null; metrics?: (step: number) => Record<string, number | string> } = {}): void {
    const t0 = opts.t0 ?? 1_795_743_612;
    this.append(runId, {
      v: 1, t: 'run_start', ts: t0, run_id: runId, experiment: opts.experiment ?? 'demo', name: opts.name ?? `run-${runId.slice(-4)}`,
      config: opts.config ?? { lr: 0.01 }, tags: opts.tags ?? [], notes: opts.notes ?? '',
      lineage: { user: 'ada', host: 'box', script: '/w/train.py', git: { commit: 'abc123' } },
    });
    const steps = opts.steps ?? 5;
    const metrics = opts.metrics ?? ((s: number) => ({ loss: 1 / (s + 1), acc: s / steps }));
    const lines: object[] = [];
    for (let s = 0; s < steps; s++) lines.push({ v: 1, t: 'metrics', ts: t0 + 0.5 + s * 0.25, step: s, values: metrics(s) });
    if (lines.length) this.append(runId, ...lines);
    if (opts.status !== null) this.append(runId, { v: 1, t: 'run_end', ts: t0 + 1 + steps * 0.25, status: opts.status ?? 'finished' });
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
