// Which source runs were ever imported into this workspace, so that deleting an imported run (removing its folder
// under .trialbook/runs, as the Delete command does) is remembered: a run listed here whose folder is gone was deleted
// by the user and is not imported again, until the user asks for it (forgetDeletedImports, the "Import Deleted Source
// Runs Again" command). The files are Trialbook's own, never the source's:
// - `.trialbook/imported-runs.json`, a snapshot `{ format: 1, runs: { <run id>: entry } }` (what older versions wrote
//   whole at the end of every pass, and still read first);
// - `.trialbook/imported-runs.jsonl`, a journal of what changed since: one JSON line per run noted (`{ id, kind, root,
//   sourceId }`) or forgotten (`{ id, forget: true }`), appended as a pass goes. A listing of 20,000 server runs
//   appends a slice's lines at a time (about 15 KB) instead of writing 20,000 entries in one piece at its end, which
//   held the extension host's thread for tenths of a second.
// An append cut short by a crash leaves a partial last line: it is skipped when read, and the next append starts on a
// line of its own. A run whose line was lost is noted again by the next pass (its folder exists).
import { appendFileSync, existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileSignature, isRecord } from './sourceFiles';
import type { SourceKind } from './sourceModel';

export const LEDGER_FILE = 'imported-runs.json';
export const LEDGER_JOURNAL = 'imported-runs.jsonl';

export interface LedgerEntry {
  kind: SourceKind;
  /** The source's folder or file. */
  root: string;
  sourceId: string;
}

export interface DeletedImport extends LedgerEntry { runId: string }

/** The ledger's snapshot of a runs folder (.trialbook/runs → .trialbook/imported-runs.json). */
export function ledgerFileOf(runsDir: string): string {
  return join(dirname(runsDir), LEDGER_FILE);
}

function journalOf(file: string): string {
  return join(dirname(file), LEDGER_JOURNAL);
}

/** A ledger change: a run noted with its entry, or forgotten (undefined). */
type Change = [string, LedgerEntry | undefined];

const cache = new Map<string, { sig: string; runs: Map<string, LedgerEntry> }>();

function signature(file: string): string {
  return `${fileSignature(file)}|${fileSignature(journalOf(file))}`;
}

function entryOf(e: unknown): LedgerEntry | undefined {
  if (isRecord(e) && typeof e.kind === 'string' && typeof e.root === 'string' && typeof e.sourceId === 'string') return { kind: e.kind as SourceKind, root: e.root, sourceId: e.sourceId };
  return undefined;
}

function readSnapshot(file: string, runs: Map<string, LedgerEntry>): void {
  try {
    const v: unknown = JSON.parse(readFileSync(file, 'utf8'));
    if (isRecord(v) && isRecord(v.runs)) {
      for (const [id, e] of Object.entries(v.runs)) {
        const entry = entryOf(e);
        if (entry) runs.set(id, entry);
      }
    }
  } catch { /* none, or unreadable: treated as empty (runs whose folders exist are noted again on the next pass) */ }
}

function readJournal(file: string, runs: Map<string, LedgerEntry>): void {
  let text: string;
  try {
    text = readFileSync(journalOf(file), 'utf8');
  } catch {
    return;
  }
  for (const line of text.split('\n')) {
    if (line === '') continue;
    let v: unknown;
    try { v = JSON.parse(line); } catch { continue; } // an append cut short by a crash
    if (!isRecord(v) || typeof v.id !== 'string') continue;
    if (v.forget === true) { runs.delete(v.id); continue; }
    const entry = entryOf(v);
    if (entry) runs.set(v.id, entry);
  }
}

function load(file: string): Map<string, LedgerEntry> {
  const sig = signature(file);
  const hit = cache.get(file);
  if (hit && hit.sig === sig) return hit.runs;
  const runs = new Map<string, LedgerEntry>();
  readSnapshot(file, runs);
  readJournal(file, runs);
  cache.set(file, { sig, runs });
  return runs;
}

/** Appends changes to the journal, each on a line of its own (the leading newline ends a line a crash cut short). */
function append(file: string, changes: readonly Change[]): void {
  if (changes.length === 0) return;
  const before = signature(file);
  const lines = changes.map(([id, e]) => JSON.stringify(e ? { id, kind: e.kind, root: e.root, sourceId: e.sourceId } : { id, forget: true }));
  appendFileSync(journalOf(file), `\n${lines.join('\n')}`);
  const hit = cache.get(file);
  // Ours was the only change since the cache was read: it stays true with ours applied; otherwise it is read again.
  if (hit && hit.sig === before) {
    for (const [id, e] of changes) { if (e) hit.runs.set(id, e); else hit.runs.delete(id); }
    hit.sig = signature(file);
  } else {
    cache.delete(file);
  }
}

/** The ledger as one mirror pass uses it: asked per run, its additions appended whenever the pass saves. */
export class ImportLedger {
  private readonly runs: Map<string, LedgerEntry>;
  private pending: Change[] = [];

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
    this.pending.push([runId, entry]);
  }

  /** Appends what was noted since the last save (nothing when nothing was). */
  save(): void {
    const changes = this.pending;
    this.pending = [];
    append(ledgerFileOf(this.runsDir), changes);
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
  const runs = load(file);
  // Runs named: only theirs are checked (a listing forgetting a few runs deleted on the server checks a few folders).
  const candidates = runIds ? [...new Set(runIds)].filter((id) => runs.has(id)) : [...runs.keys()];
  const gone = candidates.filter((id) => !existsSync(join(runsDir, id)));
  append(file, gone.map((id): Change => [id, undefined]));
  return gone;
}
