// The push ledger: `.trialbook/pushes.jsonl` is the durable record of every push (the database is rebuildable,
// pushes are not); the index reads what was appended to it into the database and keeps the list in memory.
import { appendFileSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Database } from 'sql.js';
import { errorMessage } from '../../shared/errorMessage';
import type { Logger, PushRecord } from '../model';
import { insertPush, loadPushes } from '../store';
import { isDamage } from './damage';

/** The ledger's read position lives among the logs' cursors under a name no run id can take. */
const PUSHES_CURSOR = '.pushes';

export class PushLedger {
  readonly path: string;
  private pushes: PushRecord[] = [];
  private offset = 0;

  constructor(private readonly trialbookDir: string, private readonly log: Logger) {
    this.path = join(trialbookDir, 'pushes.jsonl');
  }

  load(db: Database): void {
    this.pushes = loadPushes(db);
    const cursor = db.exec(`SELECT byte_offset FROM log_files WHERE name = '${PUSHES_CURSOR}'`)[0]?.values[0]?.[0];
    this.offset = typeof cursor === 'number' ? cursor : 0;
  }

  clear(): void {
    this.pushes = [];
    this.offset = 0;
  }

  forRun(runId: string): PushRecord[] {
    return this.pushes.filter((p) => p.runId === runId);
  }

  /** Appends one push to the file: one write of one line with O_APPEND, so concurrent windows cannot interleave within it. */
  append(push: PushRecord): void {
    mkdirSync(this.trialbookDir, { recursive: true });
    appendFileSync(this.path, `${JSON.stringify(push)}\n`);
  }

  /** Reads pushes appended to the file into `db`; true when there were any. */
  ingest(db: Database): boolean {
    let bytes: Buffer;
    try {
      bytes = readFileSync(this.path);
    } catch {
      return false;
    }
    if (bytes.length < this.offset) { this.offset = 0; this.pushes = []; db.exec('DELETE FROM pushes'); }
    const end = bytes.lastIndexOf(10) + 1;
    if (end <= this.offset) return false;
    const text = bytes.subarray(this.offset, end).toString('utf8');
    // A savepoint, not BEGIN: a push recorded while a sync waits for the log reader joins the sync's transaction.
    db.exec('SAVEPOINT pushes');
    const added: PushRecord[] = [];
    try {
      for (const line of text.split('\n')) {
        const push = line ? this.ingestLine(db, line) : undefined;
        if (push) added.push(push);
      }
      db.run(`INSERT OR REPLACE INTO log_files (name, byte_offset, line, size, mtime_ms, ino, head_hash, head_length)
        VALUES (?, ?, 0, ?, 0, 0, '', 0)`, [PUSHES_CURSOR, end, bytes.length]);
      db.exec('RELEASE pushes');
    } catch (err) {
      try { db.exec('ROLLBACK TO pushes; RELEASE pushes'); } catch { /* a damaged database is replaced anyway */ }
      throw err;
    }
    this.pushes.push(...added);
    this.offset = end;
    return true;
  }

  /** Stores one line of the file; the push, or undefined when the line is unusable (reported). */
  private ingestLine(db: Database, line: string): PushRecord | undefined {
    let push: PushRecord;
    try {
      const p = JSON.parse(line) as Partial<PushRecord>;
      if (typeof p.runId !== 'string' || typeof p.artifact !== 'string' || typeof p.registry !== 'string' || typeof p.reference !== 'string' || typeof p.at !== 'number') {
        throw new Error('missing fields');
      }
      push = { runId: p.runId, artifact: p.artifact, registry: p.registry, reference: p.reference, at: p.at };
      if (typeof p.digest === 'string') push.digest = p.digest;
      if (typeof p.version === 'string') push.version = p.version;
      if (typeof p.user === 'string') push.user = p.user;
    } catch (err) {
      this.log.warn(`${this.path}: unusable push record skipped (${errorMessage(err)}).`);
      return undefined;
    }
    try {
      insertPush(db, push);
    } catch (err) {
      if (isDamage(err)) throw err;
      this.log.warn(`${this.path}: unusable push record skipped (${errorMessage(err)}).`);
      return undefined;
    }
    return push;
  }
}
