// Loads sql.js once per WASM path (the module is large; every index in the process shares it).
import initSqlJs from 'sql.js';
import type { SqlJsStatic } from 'sql.js';

const engines = new Map<string, Promise<SqlJsStatic>>();

export function loadSqlJs(wasmPath: string): Promise<SqlJsStatic> {
  let engine = engines.get(wasmPath);
  if (!engine) {
    engine = initSqlJs({ locateFile: () => wasmPath });
    engines.set(wasmPath, engine);
    engine.catch(() => engines.delete(wasmPath));
  }
  return engine;
}
