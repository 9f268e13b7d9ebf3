// A second process for the multi-process tests: opens the index of argv[2] and obeys one command per stdin line.
//   sync        → sync (+ save when writer), answers {"synced": n, "isWriter": b}
//   save-loop   → ingest a new line and save, forever (to be killed mid-save), after answering {"looping": true}
// Prints {"ready": true, "isWriter": b} once open.
// With `report` after the folder: opens, syncs once, prints what it saw (see ChildReport in workspaceFixture) and exits.
import { createInterface } from 'node:readline';
import { openRunIndex } from '../../src/core/openRunIndex';
import { errorMessage } from '../../src/shared/errorMessage';
import { RunLog } from '../fixtures/runLog';
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
      const event = (step: number): RunLog => new RunLog(runId).metrics(step, { loss: step }, { ts: 1_795_743_612 + step });
      // The first event is built (and the schema compiled, a few hundred ms) before the loop is announced: the
      // parent's kill must land among the saves.
      let next = event(1_000_000);
      say({ looping: true });
      for (let step = 1_000_000; ; step++) {
        next.writeTo(trialbookDir);
        await index.sync();
        await index.save();
        next = event(step + 1);
      }
    } else if (line === 'exit') {
      await index.close();
      say({ closed: true });
      process.exit(0);
    }
  }
}

main().catch((err: unknown) => { process.stderr.write(String(err)); process.exit(1); });
