// Loads sql.js once per WASM path (the module is large; every index in the process shares it), and offers a
// zero-copy view of BLOB columns: sql.js's own getBlob copies byte by byte in JavaScript, which dominated series
// queries (≈ 2 ns a byte, 200 ms for 10 M points). The view reads the bytes in place in the WASM memory.
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import initSqlJs from 'sql.js';
import type { SqlJsStatic, Statement } from 'sql.js';

export interface SqlEngine {
  sql: SqlJsStatic;
  /**
   * The current row's BLOB in column `col`: a view valid until the statement steps or is freed
   * (a copy when the view is not available).
   */
  blobView(stmt: Statement, col: number): Uint8Array;
}

interface RawApi {
  _sqlite3_column_blob(stmt: number, col: number): number;
  _sqlite3_column_bytes(stmt: number, col: number): number;
  _sqlite3_sql(stmt: number): number;
  UTF8ToString(ptr: number): string;
}

const engines = new Map<string, Promise<SqlEngine>>();

function findMemory(...sources: unknown[]): WebAssembly.Memory | undefined {
  for (const source of sources) {
    if (typeof source !== 'object' || source === null) continue;
    for (const v of Object.values(source)) {
      if (v instanceof WebAssembly.Memory) return v;
      if (typeof v === 'object' && v !== null) for (const w of Object.values(v)) if (w instanceof WebAssembly.Memory) return w;
    }
  }
  return undefined;
}

async function createEngine(wasmPath: string, offThread: boolean): Promise<SqlEngine> {
  let memory: WebAssembly.Memory | undefined;
  let failed: ((err: unknown) => void) | undefined;
  const failure = new Promise<never>((_, reject) => { failed = reject; });
  const sql = await Promise.race([failure, initSqlJs({
    locateFile: () => wasmPath,
    instantiateWasm(imports: WebAssembly.Imports, receive: (instance: WebAssembly.Instance, module: WebAssembly.Module) => void) {
      if (offThread) {
        // Compiled on V8's background threads: the ≈ 50 ms of a synchronous compile are a stall of the extension host.
        // (An empty object tells the loader the instance comes later; a failure rejects through `failure`.)
        void readFile(wasmPath).then((bytes) => WebAssembly.instantiate(bytes, imports)).then((made) => {
          memory = findMemory(made.instance.exports, imports);
          receive(made.instance, made.module);
        }, (err: unknown) => failed?.(err));
        return {};
      }
      // Compiled synchronously (≈ 50 ms): an asynchronous compile left pending while Node's event loop had
      // nothing else to wait for hung the process in NodePlatform::DrainTasks (seen in the CLI and the bench).
      const module = new WebAssembly.Module(readFileSync(wasmPath));
      const instance = new WebAssembly.Instance(module, imports);
      memory = findMemory(instance.exports, imports);
      receive(instance, module);
      return instance.exports;
    },
  } as Parameters<typeof initSqlJs>[0])]);
  const raw = sql as unknown as Partial<RawApi>;
  const copy = (stmt: Statement, col: number): Uint8Array => stmt.get()[col] as Uint8Array;
  if (!memory || !raw._sqlite3_column_blob || !raw._sqlite3_column_bytes || !raw._sqlite3_sql || !raw.UTF8ToString) {
    return { sql, blobView: copy };
  }
  const api = raw as RawApi;
  const mem = memory;
  // The statement's C pointer is a minified private field: find it once, by asking SQLite for each candidate's SQL.
  const probe = new sql.Database();
  const text = 'SELECT 4711 AS trialbook_probe';
  const stmt = probe.prepare(text);
  const field = Object.keys(stmt).find((k) => {
    const v = (stmt as unknown as Record<string, unknown>)[k];
    return typeof v === 'number' && v > 0 && api.UTF8ToString(api._sqlite3_sql(v)) === text;
  });
  stmt.free();
  probe.close();
  if (!field) return { sql, blobView: copy };
  return {
    sql,
    blobView(s: Statement, col: number): Uint8Array {
      const ptr = (s as unknown as Record<string, number>)[field] as number;
      const p = api._sqlite3_column_blob(ptr, col);
      const n = api._sqlite3_column_bytes(ptr, col);
      return new Uint8Array(mem.buffer, p, n);
    },
  };
}

/**
 * sql.js for this WASM file, loaded once. `offThread`: compile the WASM asynchronously, for a process whose event loop
 * always has something to wait for (the extension host); the CLI and scripts compile it synchronously.
 */
export function loadSqlJs(wasmPath: string, offThread = false): Promise<SqlEngine> {
  let engine = engines.get(wasmPath);
  if (!engine) {
    engine = createEngine(wasmPath, offThread);
    engines.set(wasmPath, engine);
    engine.catch(() => engines.delete(wasmPath));
  }
  return engine;
}
