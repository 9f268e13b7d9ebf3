// A second process for the multi-process tests: opens the index of argv[2] and obeys one command per stdin line.
//   sync        → sync (+ save when writer), answers {"synced": n, "isWriter": b}
//   save-loop   → ingest a new line and save, forever (to be killed mid-save), after answering {"looping": true}
// Prints {"ready": true, "isWriter": b} once open.
// With `report` after the folder: opens, syncs once, prints what it saw (see ChildReport in workspaceFixture) and exits.
import { appendFileSync } from 'node:fs';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { openRunIndex } from '../../src/core/openRunIndex';
import { errorMessage } from '../../src/shared/errorMessage';
import { WASM_PATH } from './workspaceFixture';

async function report(trialbookDir: string): Promise<void> {
  const warnings: string[] = [];
  const log = { info: () => undefined, warn: (m: string) => { warnings.push(m); }, error: (m: string) => { warnings.push(`error: ${m}`); } };
  const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log, saveDelayMs: 60_000 });
  const out: Record<string, unknown> = { isWriter: index.isWriter, openNotice: index.openNotice, readOnlyReason: index.readOnlyReason, runs: [], problems: [] };
  try {
    const synced = await index.sync();
    out.problems = synced.problems;
    out.notice = synced.notice;
    out.runs = index.listRuns().map((r) => r.id).sort();
  } catch (err) {
    out.error = errorMessage(err);
  }
  await index.close().catch((err: unknown) => { out.error ??= errorMessage(err); });
  out.warnings = warnings;
  process.stdout.write(`${JSON.stringify(out)}\n`);
  process.exit(0);
}

async function main(): Promise<void> {
  const trialbookDir = process.argv[2] as string;
  if (process.argv[3] === 'report') return report(trialbookDir);
  const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };
  const index = await openRunIndex({ trialbookDir, wasmPath: WASM_PATH, log: quiet, saveDelayMs: 60_000 });
  await index.sync();
  await index.save();
  const say = (o: object): void => { process.stdout.write(`${JSON.stringify(o)}\n`); };
  say({ ready: true, isWriter: index.isWriter });
  for await (const line of createInterface({ input: process.stdin })) {
    if (line === 'sync') {
      await index.sync();
      await index.save();
      say({ synced: index.listRuns().length, isWriter: index.isWriter });
    } else if (line.startsWith('save-loop ')) {
      const runId = line.slice('save-loop '.length);
      say({ looping: true });
      for (let step = 1_000_000; ; step++) {
        appendFileSync(join(trialbookDir, 'runs', runId, 'events.jsonl'),
          `${JSON.stringify({ v: 1, t: 'metrics', ts: 1_795_743_612 + step, step, values: { loss: step } })}\n`);
        await index.sync();
        await index.save();
      }
    } else if (line === 'exit') {
      await index.close();
      say({ closed: true });
      process.exit(0);
    }
  }
}

main().catch((err: unknown) => { process.stderr.write(String(err)); process.exit(1); });
