// Child process of bench/store.ts: opens an index from disk in a fresh process and prints its memory as JSON, so
// the figure is not inflated by the WASM memory an earlier ingest grew in the benchmark's own process.
import { resolve } from 'node:path';
import { openRunIndex } from '../src/core/openRunIndex';

const WASM = resolve(__dirname, '..', '..', 'node_modules', 'sql.js', 'dist', 'sql-wasm.wasm');

async function main(): Promise<void> {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage().rss;
  const t = performance.now();
  const index = await openRunIndex({ trialbookDir: process.argv[2] ?? '', wasmPath: WASM, log: { info: () => undefined, warn: () => undefined, error: () => undefined }, readOnly: true });
  await index.sync();
  const openMs = performance.now() - t;
  gc?.();
  const after = process.memoryUsage();
  process.stdout.write(JSON.stringify({ openMs, rssBefore: before, rssAfter: after.rss, heapUsed: after.heapUsed, external: after.external }));
  await index.close();
}

main().catch((err: unknown) => {
  process.stderr.write(`${String(err)}\n`);
  process.exitCode = 1;
});
