// Entry of the importance worker thread (bundled as dist/importanceWorker.js): computes parameter importance
// (correlations and the forest, importance.ts) beside the extension host's thread, which serves the editor. It keeps
// the last table the host sent; each request names the table version it was made for.
import { parentPort } from 'node:worker_threads';
import { errorMessage } from '../../shared/errorMessage';
import type { AnalysisTable } from './dimensions';
import { paramImportance } from './importance';
import type { ImportanceReply, ImportanceRequest } from './importanceProtocol';

function run(): void {
  const port = parentPort;
  if (!port) throw new Error('importanceWorker must run as a worker thread');
  let table: { version: number; table: AnalysisTable } | undefined;
  port.on('message', (message: ImportanceRequest) => {
    if (message.type === 'table') {
      table = { version: message.version, table: message.table };
      return;
    }
    let reply: ImportanceReply;
    try {
      if (table?.version !== message.version) throw new Error(`the worker has table ${table?.version ?? 'none'}, not ${message.version}`);
      const t0 = performance.now();
      const result = paramImportance(table.table, message.metric);
      reply = { id: message.id, ok: true, result, ms: performance.now() - t0 };
    } catch (err) {
      reply = { id: message.id, ok: false, message: errorMessage(err) };
    }
    port.postMessage(reply);
  });
}

run();
