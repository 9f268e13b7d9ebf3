// Which source runs were ever imported into this workspace (.trialbook/imported-runs.json), so that deleting an
// imported run (removing its folder under .trialbook/runs, as the Delete command does) is remembered: a run listed
// here whose folder is gone was deleted by the user and is not imported again, until the user asks for it
// (forgetDeletedImports, the "Import Deleted Source Runs Again" command). The file is Trialbook's own, never the source's.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileSignature, isRecord } from './sourceFiles';
import type { SourceKind } from './sourceModel';

export const LEDGER_FILE = 'imported-runs.json';

export interface LedgerEntry {
  kind: SourceKind;
  /** The source's folder or file. */
  root: string;
  sourceId: string;
}

export interface DeletedImport extends LedgerEntry { runId: string }

/** The ledger of a runs folder (.trialbook/runs → .trialbook/imported-runs.json). */
export function ledgerFileOf(runsDir: string): string {
  return join(dirname(runsDir), LEDGER_FILE);
}

const cache = new Map<string, { sig: string; runs: Map<string, LedgerEntry> }>();

function load(file: string): Map<string, LedgerEntry> {
  const sig = fileSignature(file);
  const hit = cache.get(file);
  if (hit && hit.sig === sig) return hit.runs;
  const runs = new Map<string, LedgerEntry>();
  if (sig !== '') {
    try {
      const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
      if (isRecord(v) && isRecord(v.runs)) {
        for (const [id, e] of Object.entries(v.runs)) {
          if (isRecord(e) && typeof e.kind === 'string' && typeof e.root === 'string' && typeof e.sourceId === 'string') runs.set(id, { kind: e.kind as SourceKind, root: e.root, sourceId: e.sourceId });
        }
      }
    } catch { /* unreadable: treated as empty (runs whose folders exist are written back on the next pass) */ }
  }
  cache.set(file, { sig, runs });
  return runs;
}

function save(file: string, runs: ReadonlyMap<string, LedgerEntry>): void {
  const out: Record<string, LedgerEntry> = {};
  for (const [id, e] of [...runs].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) Object.defineProperty(out, id, { value: e, enumerable: true, writable: true, configurable: true });
  const tmp = `${file}.tmp-${process.pid}`;
  writeFileSync(tmp, `${JSON.stringify({ format: 1, runs: out }, null, 1)}\n`);
  renameSync(tmp, file);
  cache.set(file, { sig: fileSignature(file), runs: new Map(runs) });
}

/** The ledger as one mirror pass uses it: asked per run, written once at the end when something was added. */
export class ImportLedger {
  private readonly runs: Map<string, LedgerEntry>;
  private changed = false;

  constructor(private readonly runsDir: string) {
    this.runs = new Map(load(ledgerFileOf(runsDir)));
  }

  /** Imported before and its folder is gone: the user deleted it. */
  isDeleted(runId: string): boolean {
    return this.runs.has(runId) && !existsSync(join(this.runsDir, runId));
  }

  /** Notes a run as imported (its folder exists now). */
  add(runId: string, entry: LedgerEntry): void {
    const e = this.runs.get(runId);
    if (e && e.kind === entry.kind && e.root === entry.root && e.sourceId === entry.sourceId) return;
    this.runs.set(runId, entry);
    this.changed = true;
  }

  save(): void {
    if (this.changed) save(ledgerFileOf(this.runsDir), this.runs);
    this.changed = false;
  }
}

/** Imported runs the user deleted (their folders are gone), by run id. */
export function deletedImports(trialbookDir: string): DeletedImport[] {
  const runsDir = join(trialbookDir, 'runs');
  return [...load(ledgerFileOf(runsDir))].filter(([id]) => !existsSync(join(runsDir, id))).map(([runId, e]) => ({ runId, ...e }));
}

/** Forgets deletions (all, or the runs given) so the next pass imports those runs again; answers the runs forgotten. */
export function forgetDeletedImports(trialbookDir: string, runIds?: readonly string[]): string[] {
  const runsDir = join(trialbookDir, 'runs');
  const file = ledgerFileOf(runsDir);
  const runs = new Map(load(file));
  const gone = deletedImports(trialbookDir).map((d) => d.runId).filter((id) => !runIds || runIds.includes(id));
  if (gone.length === 0) return [];
  for (const id of gone) runs.delete(id);
  save(file, runs);
  return gone;
}
