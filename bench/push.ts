// Benchmark of an OCI model push (src/core/registry) against a bare streaming upload of the same bytes to
// the same kind of registry in the same run. Not a test: it prints figures, each as a ratio.
//
//   npx tsc -p tsconfig.json && node out/bench/push.js
//
// TRIALBOOK_BENCH_PUSH_MB=1024 sets the model size (default 1 GiB); TRIALBOOK_BENCH_PUSH_ROUNDS=2 the rounds
// (each method's best round is compared). Needs Debian's docker-registry; every registry is a fresh one
// on 127.0.0.1 with its own temporary storage, so no push finds blobs left by another.
import { createHash, randomBytes } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { closeSync, createReadStream, mkdirSync, openSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import * as http from 'node:http';
import * as path from 'node:path';
import { pushModel, planPush } from '../src/core/registry/push';
import { parseOciTarget } from '../src/core/registry/target';
import type { PushRequest } from '../src/core/registry/types';
import { RegistryServer } from '../test/registry/registryServer';
import { sampleRun, tempDir } from '../test/registry/fixtures';

const MB = 1024 * 1024;
const SIZE_MB = Number(process.env['TRIALBOOK_BENCH_PUSH_MB'] ?? 1024);
const ROUNDS = Number(process.env['TRIALBOOK_BENCH_PUSH_ROUNDS'] ?? 2);

function request(method: string, url: string, headers: Record<string, string>, body?: NodeJS.ReadableStream): Promise<{ status: number; headers: http.IncomingHttpHeaders }> {
  return new Promise((resolve, reject) => {
    const req = http.request(url, { method, headers }, (res) => { res.resume(); res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers })); });
    req.on('error', reject);
    if (body) body.pipe(req); else req.end();
  });
}

/** The baseline: one POST for a session, then the whole file in a single streamed monolithic PUT. */
async function bareUpload(host: string, file: string, digest: string, size: number): Promise<number> {
  const t0 = performance.now();
  const start = await request('POST', `http://${host}/v2/bare/model/blobs/uploads/`, { 'Content-Length': '0' });
  const loc = new URL(String(start.headers.location), `http://${host}`);
  loc.searchParams.set('digest', digest);
  const put = await request('PUT', loc.href, { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) }, createReadStream(file, { highWaterMark: MB }));
  if (put.status !== 201) throw new Error(`bare upload failed: HTTP ${put.status}`);
  return (performance.now() - t0) / 1000;
}

function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => { peak = Math.max(peak, process.memoryUsage().rss); }, 20);
  return { stop: () => { clearInterval(timer); return Math.max(peak, process.memoryUsage().rss); } };
}

async function main(): Promise<void> {
  const work = tempDir('bench-push');
  const file = path.join(work, 'model.safetensors');
  // Non-zero bytes (a repeated random MiB), so neither side benefits from sparse reads.
  const block = randomBytes(MB);
  const fd = openSync(file, 'w');
  for (let i = 0; i < SIZE_MB; i++) writeSync(fd, block);
  closeSync(fd);
  const size = SIZE_MB * MB;
  const hash = createHash('sha256');
  for await (const c of createReadStream(file, { highWaterMark: MB })) hash.update(c as Buffer);
  const digest = `sha256:${hash.digest('hex')}`;

  const req = (host: string, tag: string): PushRequest => ({
    run: sampleRun(), modelPath: file, artifactName: 'model', target: parseOciTarget(`oci://${host}/bench/model:${tag}`), credentials: { kind: 'anonymous' },
  });

  let bestBare = Infinity;
  let bestPush = Infinity;
  let bestColdPush = Infinity;
  let bestRepush = Infinity;
  let peakRssDelta = 0;
  let cliRepush = Infinity;
  let cliRuns = Infinity;
  // A workspace whose run logged the model, for re-pushes through the CLI in new processes.
  const ws = path.join(work, 'ws');
  const runId = '20261127T024012123-3f9a1c7b2e';
  mkdirSync(path.join(ws, '.trialbook', 'runs', runId), { recursive: true });
  writeFileSync(path.join(ws, '.trialbook', 'runs', runId, 'events.jsonl'), [
    { v: 1, t: 'run_start', ts: 1795743612, run_id: runId, experiment: 'bench', name: 'bench', config: {}, tags: [] },
    { v: 1, t: 'artifact', ts: 1795743613, name: 'model', path: file, type: 'model', size, sha256: digest.slice(7) },
    { v: 1, t: 'run_end', ts: 1795743614, status: 'finished' },
  ].map((e) => JSON.stringify(e)).join('\n') + '\n');
  const cli = path.resolve(__dirname, '..', 'src', 'cli.js');
  try {
    for (let round = 0; round < ROUNDS; round++) {
      {
        const reg = await RegistryServer.start();
        try { bestBare = Math.min(bestBare, await bareUpload(reg.host, file, digest, size)); } finally { await reg.stop(); }
      }
      {
        // Warm digest: what happens after planPush() listed the files for the confirmation (CLI and editor both plan first).
        const reg = await RegistryServer.start();
        try {
          await planPush(req(reg.host, 'warm'));
          const rss0 = process.memoryUsage().rss;
          const sampler = sampleRss();
          const t0 = performance.now();
          await pushModel(req(reg.host, 'warm'));
          bestPush = Math.min(bestPush, (performance.now() - t0) / 1000);
          peakRssDelta = Math.max(peakRssDelta, sampler.stop() - rss0);
          const t1 = performance.now();
          const again = await pushModel(req(reg.host, 'warm'));
          if (!again.upToDate) throw new Error('re-push uploaded blobs');
          bestRepush = Math.min(bestRepush, (performance.now() - t1) / 1000);
          const cliArgs = [cli, 'push', '--dir', ws, '--run', runId, '--model', 'model', '--to', `oci://${reg.host}/bench/cli:1`, '--quiet'];
          execFileSync(process.execPath, cliArgs); // first process: hashes, pushes, keeps the digest
          const t2 = performance.now();
          execFileSync(process.execPath, cliArgs);
          cliRepush = Math.min(cliRepush, (performance.now() - t2) / 1000);
          // Baseline for that: the same process start and index open, listing runs instead of pushing.
          const t3 = performance.now();
          execFileSync(process.execPath, [cli, 'runs', '--dir', ws, '--quiet']);
          cliRuns = Math.min(cliRuns, (performance.now() - t3) / 1000);
        } finally { await reg.stop(); }
      }
      {
        // Cold digest: a fresh file identity forces hashing inside the push (touching mtime invalidates the cache).
        const reg = await RegistryServer.start();
        try {
          const now = new Date(Date.now() + round * 1000 + 1000);
          (await import('node:fs')).utimesSync(file, now, now);
          const t0 = performance.now();
          await pushModel(req(reg.host, 'cold'));
          bestColdPush = Math.min(bestColdPush, (performance.now() - t0) / 1000);
        } finally { await reg.stop(); }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  const mbps = (s: number): string => `${(SIZE_MB / s).toFixed(0)} MB/s`;
  console.log(`push bench: ${SIZE_MB} MiB model, best of ${ROUNDS} rounds, fresh registry per measurement`);
  console.log(`  baseline  bare streamed PUT              ${bestBare.toFixed(2)} s  ${mbps(bestBare)}`);
  console.log(`  push (digest known from the plan)        ${bestPush.toFixed(2)} s  ${mbps(bestPush)}  throughput ratio ${(bestBare / bestPush).toFixed(2)} (target ≥ 0.70)`);
  console.log(`  push (hashing inside the push)           ${bestColdPush.toFixed(2)} s  ${mbps(bestColdPush)}  throughput ratio ${(bestBare / bestColdPush).toFixed(2)}`);
  console.log(`  re-push unchanged model                  ${bestRepush.toFixed(3)} s  ratio to baseline upload ${(bestRepush / bestBare).toFixed(3)} (target < 1 s)`);
  console.log(`  re-push unchanged, new CLI process       ${cliRepush.toFixed(3)} s  ratio ${(cliRepush / cliRuns).toFixed(2)} to "trialbook runs" in a new process (${cliRuns.toFixed(3)} s)`);
  console.log(`  peak RSS increase during push            ${(peakRssDelta / MB).toFixed(1)} MB  = ${(peakRssDelta / size).toFixed(4)} × model size (target < 100 MB)`);
}

main().catch((err: unknown) => { console.error(err); process.exitCode = 1; });
