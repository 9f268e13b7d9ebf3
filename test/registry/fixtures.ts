// Test helpers: a run as the index returns it, model files on disk, and the independent client skopeo.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { RunDetail } from '../../src/core/model';

const run = promisify(execFile);

export function sampleRun(overrides: Partial<RunDetail> = {}): RunDetail {
  return {
    id: '20261127T024012123-3f9a1c7b2e',
    experiment: 'churn',
    name: 'lr-0.01',
    status: 'finished',
    startedAt: Date.UTC(2026, 10, 27, 2, 40, 12),
    endedAt: Date.UTC(2026, 10, 27, 2, 50, 0),
    lastEventAt: Date.UTC(2026, 10, 27, 2, 50, 0),
    user: 'ada',
    notes: 'Baseline with lower learning rate.',
    tags: ['baseline'],
    params: { lr: 0.01, epochs: 10, optimizer: 'adam' },
    metrics: { 'val/loss': { last: 0.25, min: 0.2, max: 1.1, count: 10, lastStep: 9 }, accuracy: { last: 0.91, min: 0.5, max: 0.91, count: 10, lastStep: 9 } },
    skippedLines: 0,
    lineage: { user: 'ada', git: { commit: '0c1f2e3d4c5b6a7988776655443322110fedcba9', branch: 'main', remote: 'https://user:s3cret@example.com/team/repo.git' } },
    summary: {},
    artifacts: [],
    pushes: [],
    dir: '/tmp/none',
    ...overrides,
  };
}

export function tempDir(prefix: string): string {
  return mkdtempSync(path.join(os.tmpdir(), `trialbook-${prefix}-`));
}

/** A small model folder: weights, config, a readme and a tokenizer subfolder. */
export function makeModelFolder(root: string, seed = 'a'): string {
  const dir = path.join(root, 'model');
  mkdirSync(path.join(dir, 'tokenizer'), { recursive: true });
  writeFileSync(path.join(dir, 'model.safetensors'), Buffer.alloc(300_000, seed));
  writeFileSync(path.join(dir, 'config.json'), JSON.stringify({ hidden: 64, seed }));
  writeFileSync(path.join(dir, 'README.md'), `# model ${seed}\n`);
  writeFileSync(path.join(dir, 'tokenizer', 'vocab.txt'), 'a\nb\nc\n');
  writeFileSync(path.join(dir, 'tokenizer', 'merges.txt'), 'a b\n');
  return dir;
}

export async function fileSha256(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file)) hash.update(chunk as Buffer);
  return hash.digest('hex');
}

export interface SkopeoManifest {
  mediaType: string;
  artifactType?: string;
  config: { mediaType: string; digest: string; size: number };
  layers: { mediaType: string; digest: string; size: number; annotations?: Record<string, string> }[];
  annotations?: Record<string, string>;
}

export async function skopeoInspect(host: string, repoTag: string, creds?: string): Promise<{ raw: string; manifest: SkopeoManifest }> {
  const args = ['inspect', '--raw', '--tls-verify=false', ...(creds ? ['--creds', creds] : []), `docker://${host}/${repoTag}`];
  const { stdout } = await run('skopeo', args, { maxBuffer: 16 * 1024 * 1024 });
  return { raw: stdout, manifest: JSON.parse(stdout) as SkopeoManifest };
}

export async function skopeoConfig(host: string, repoTag: string): Promise<unknown> {
  const { stdout } = await run('skopeo', ['inspect', '--raw', '--config', '--tls-verify=false', `docker://${host}/${repoTag}`], { maxBuffer: 16 * 1024 * 1024 });
  return JSON.parse(stdout) as unknown;
}

export function collectLog(): { lines: string[]; log: { info(m: string): void; warn(m: string): void } } {
  const lines: string[] = [];
  return { lines, log: { info: (m) => lines.push(`info: ${m}`), warn: (m) => lines.push(`warn: ${m}`) } };
}
