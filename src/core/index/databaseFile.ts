// The database as a file: the writer lock, loading (and recovering from a damaged, newer or unusable file), room
// to grow before a large ingest, and debounced atomic saves. Only the lock holder writes the file; everyone else
// loads it again when the writer has saved a new one.
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Database, SqlJsStatic } from 'sql.js';
import { errorMessage } from '../../shared/errorMessage';
import { checkDatabaseBytes, corruptName, writeFileAtomic } from '../dbFile';
import type { Logger } from '../model';
import { migrate, NewerSchemaError } from '../storeSchema';
import { WriterLock } from '../writerLock';
import { describeFileError, entryKind, errorCode } from './fileProblems';
import { RUN_LIST_FILE, runListMatches, writeRunList } from './runList';
import { Slicer } from '../slices';
import { runSteps, runStepsSliced, type Steps } from '../steps';

export interface FileIdentity { mtimeMs: number; size: number; ino: number }

/** What the index keeps in memory beside the database: loaded from a database just opened, or emptied. */
export interface DatabaseContents {
  /**
   * Reads it all from `db`, in steps (the file is opened in slices of the host's thread; elsewhere run at once);
   * throws when it cannot (the file is then treated as damaged). Nothing else uses `db` until the steps end.
   */
  load(db: Database): Steps<void>;
  clear(): void;
  /** The run list's body for what the database holds now (see runList.ts): taken when the database is exported. */
  runList?(): string;
}

export interface DatabaseFileOptions {
  trialbookDir: string;
  readOnly: boolean;
  saveDelayMs: number;
  now: () => number;
  log: Logger;
  /** Tell the user (once per distinct text); `warn` also writes it to the log. */
  notify(text: string, warn: boolean): void;
  /** A debounced save is due (the owner serialises it with its other work). */
  saveDue(): void;
  /** Awaited before the file is read at open (OpenIndexOptions.beforeLoad). */
  beforeLoad?: () => Promise<void>;
}

/** The database lives in sql.js's in-memory file system: a rollback journal there only costs copies. */
export function tune(db: Database): void {
  db.exec('PRAGMA journal_mode = MEMORY; PRAGMA synchronous = OFF');
}

/** Database bytes added per log byte read, generously (metric points pack to about a quarter of their JSON). */
const DB_BYTES_PER_LOG_BYTE = 0.35;
const MIN_ROOM = 16 * 1024 * 1024;
const MAX_ROOM = 512 * 1024 * 1024;

function sameFile(a: FileIdentity, b: FileIdentity): boolean {
  return a.mtimeMs === b.mtimeMs && a.size === b.size && a.ino === b.ino;
}

function databaseSize(db: Database): number {
  const pragma = (name: string): number => Number(db.exec(`PRAGMA ${name}`)[0]?.values[0]?.[0] ?? 0);
  return pragma('page_count') * pragma('page_size');
}

export class DatabaseFile {
  readonly path: string;
  private current: Database | undefined;
  private readonly lock: WriterLock;
  private dirty = false;
  private saveTimer: NodeJS.Timeout | undefined;
  private closed = false;
  /** Set when the database on disk is from a newer Trialbook: never write it. */
  private frozen: string | undefined;
  /** Set while the path cannot hold the database (e.g. a directory stands there); checked again at each sync. */
  private blocked: string | undefined;
  /** Set while the folder cannot be written (the lock cannot be created). */
  private lockProblem: string | undefined;
  /** Saves wait while a damaged database is being rebuilt (saving it would write the damage back). */
  private savesHeld = false;
  private loadedFrom: FileIdentity | undefined;
  /** The run list beside the database does not match it (none yet, an older one): the next save writes it. */
  private listDue = false;

  constructor(private readonly sql: SqlJsStatic, private readonly contents: DatabaseContents, private readonly options: DatabaseFileOptions) {
    this.path = join(options.trialbookDir, 'trialbook.db');
    this.lock = new WriterLock(`${this.path}.lock`, () => {
      options.log.warn('Trialbook: another window took over the database writer lock; this window now only reads.');
    });
  }

  get db(): Database {
    if (!this.current) throw new Error('the index is not open');
    return this.current;
  }

  get isWriter(): boolean {
    return this.lock.isHeld;
  }

  /** Why this index does not write the database; undefined while it does. */
  get readOnlyReason(): string | undefined {
    if (this.isWriter) return undefined;
    if (this.options.readOnly) return 'the index was opened read-only';
    return this.frozen ?? this.blocked ?? this.lockProblem
      ?? `another process holds the database writer lock (${this.path}.lock): it writes the database, this one reads it`;
  }

  /** Opening: take the lock if allowed, load the database (or recover). */
  async open(): Promise<void> {
    if (this.tryBecomeWriter()) this.removeStaleTempFiles();
    // Read off the extension host's thread (a 90 MiB file blocked it for a third of a second); used only if the file
    // is still the one that was read.
    let preread: { bytes: Uint8Array; identity: FileIdentity } | undefined;
    await this.options.beforeLoad?.();
    const before = this.identity();
    if (before) {
      try {
        const bytes = await readFile(this.path);
        const after = this.identity();
        if (after && sameFile(before, after)) preread = { bytes, identity: after };
      } catch { /* loadFromDisk reads it again and reports the problem */ }
    }
    // In slices: a thousand runs' rows took ~150 ms in one task.
    await runStepsSliced(this.loadSteps(true, preread), new Slicer());
    // A database saved before run lists existed (or whose list was lost): the writer writes its list soon.
    if (this.isWriter && this.contents.runList && this.loadedFrom && !runListMatches(this.options.trialbookDir, this.loadedFrom)) {
      this.listDue = true;
      this.scheduleSave();
    }
  }

  /** Before a sync of a reader: take over a free lock, or load what the writer saved since. */
  followWriter(): void {
    if (this.isWriter) return;
    if (this.blocked && this.pathUsable()) {
      this.blocked = undefined;
      this.options.log.info(`Trialbook: ${this.path} can hold the database again.`);
    }
    if (this.tryBecomeWriter()) {
      this.removeStaleTempFiles();
      this.loadFromDisk(false);
      return;
    }
    const id = this.identity();
    const changed = id && (!this.loadedFrom || id.mtimeMs !== this.loadedFrom.mtimeMs || id.size !== this.loadedFrom.size || id.ino !== this.loadedFrom.ino);
    if (changed && !this.frozen) this.loadFromDisk(false);
  }

  /** A writer killed mid-save leaves its temporary files (the database's, the run list's); only the lock holder may clean them up. */
  private removeStaleTempFiles(): void {
    try {
      for (const f of readdirSync(this.options.trialbookDir)) {
        if (f.startsWith('.trialbook.db.tmp-') || f.startsWith(`.${RUN_LIST_FILE}.tmp-`)) rmSync(join(this.options.trialbookDir, f), { force: true });
      }
    } catch { /* the folder may not exist yet */ }
  }

  private tryBecomeWriter(): boolean {
    if (this.options.readOnly || this.frozen || this.blocked || this.lock.isHeld || !existsSync(this.options.trialbookDir)) return this.lock.isHeld;
    try {
      const taken = this.lock.tryAcquire();
      this.lockProblem = undefined;
      return taken;
    } catch (err) {
      const p = describeFileError(err, this.options.trialbookDir, 'write');
      const problem = `this process cannot write in ${this.options.trialbookDir}: ${p.cause}`;
      if (problem !== this.lockProblem) {
        this.lockProblem = problem;
        this.options.notify(`Cannot write in ${this.options.trialbookDir}: ${p.cause}. ${p.remedy} Until then the logs are indexed in memory only `
          + 'and the database is not saved.', true);
      }
      return false;
    }
  }

  /** Whether the database path is a regular file or absent (anything else cannot be loaded nor replaced). */
  private pathUsable(): boolean {
    try {
      return statSync(this.path).isFile();
    } catch (err) {
      return errorCode(err) === 'ENOENT';
    }
  }

  /** Starts an empty database (a rebuild, or nothing usable on disk). */
  fresh(): void {
    this.current?.close();
    this.current = new this.sql.Database();
    tune(this.current);
    migrate(this.current);
    this.contents.clear();
  }

  private identity(): FileIdentity | undefined {
    try {
      const s = statSync(this.path);
      return { mtimeMs: s.mtimeMs, size: s.size, ino: s.ino };
    } catch {
      return undefined;
    }
  }

  /** Replaces the in-memory database with the file's content; recovers from a damaged, newer or unusable file. */
  loadFromDisk(first: boolean): void {
    runSteps(this.loadSteps(first));
  }

  /** `loadFromDisk` in steps: the database in use is replaced only at the end, once everything was read. */
  private *loadSteps(first: boolean, preread?: { bytes: Uint8Array; identity: FileIdentity }): Steps<void> {
    let st;
    try {
      st = statSync(this.path);
    } catch (err) {
      if (errorCode(err) !== 'ENOENT') this.cannotRead(err, first);
      this.fresh();
      this.loadedFrom = undefined;
      return;
    }
    const identity: FileIdentity = { mtimeMs: st.mtimeMs, size: st.size, ino: st.ino };
    if (!st.isFile()) {
      this.block(`${this.path} is ${entryKind(st)}, not the database file`);
      this.fresh();
      this.loadedFrom = identity;
      return;
    }
    let bytes: Uint8Array;
    try {
      bytes = preread && sameFile(preread.identity, identity) ? preread.bytes : readFileSync(this.path);
    } catch (err) {
      this.cannotRead(err, first);
      this.fresh();
      // Not read again until it changes (a writer replaces it on its next save).
      this.loadedFrom = identity;
      return;
    }
    let db: Database | undefined;
    try {
      const problem = checkDatabaseBytes(bytes);
      if (problem) throw new Error(problem);
      db = new this.sql.Database(bytes);
      tune(db);
      const versionBefore = db.exec("SELECT 1 FROM sqlite_master WHERE name = 'meta'").length;
      migrate(db);
      yield* this.contents.load(db);
      this.current?.close();
      this.current = db;
      this.loadedFrom = identity;
      if (versionBefore === 0) this.markDirty();
    } catch (err) {
      db?.close();
      if (err instanceof NewerSchemaError) {
        this.frozen = `${err.message}; it is left untouched`;
        this.lock.release();
        this.options.notify(`${err.message}. It is left untouched; this window indexes the logs in memory only. Update Trialbook to use it.`, true);
        this.fresh();
        return;
      }
      const notice = this.setAside(errorMessage(err), 'could not be opened');
      this.options.notify(notice, first || this.isWriter);
      this.fresh();
      this.savesHeld = false;
      if (this.isWriter) this.markDirty();
    }
  }

  private cannotRead(err: unknown, first: boolean): void {
    const p = describeFileError(err, this.path, 'read');
    this.options.notify(`Cannot read the database: ${p.cause}. ${p.remedy} Until then the logs are indexed in memory`
      + `${this.isWriter ? ', and the next save replaces the file' : ''}.`, first || this.isWriter);
  }

  private block(reason: string): void {
    if (this.blocked === reason) return;
    this.blocked = reason;
    this.lock.release();
    this.options.notify(`${reason}, so the index can be neither loaded nor saved there. Move or delete it (the database is rebuilt from `
      + 'the run logs; nothing is lost). Until then this window indexes the logs in memory only.', true);
  }

  /**
   * The database is damaged: the writer moves the file aside (the index is rebuilt from the logs and saved anew);
   * a reader only stops loading those bytes. Saves wait until `resumeSaves`. Returns the notice for the user.
   */
  setAside(reason: string, how = 'is damaged'): string {
    this.savesHeld = true;
    this.dirty = false;
    if (this.saveTimer) { clearTimeout(this.saveTimer); this.saveTimer = undefined; }
    if (this.isWriter) {
      const aside = corruptName(this.path, new Date(this.options.now()));
      try {
        renameSync(this.path, aside);
      } catch { /* it may already be gone */ }
      this.loadedFrom = undefined;
      return `The database ${how} (${reason}). It was moved to ${aside} and is being rebuilt from the run logs; nothing is lost.`;
    }
    this.loadedFrom = this.identity();
    return `The database ${how} (${reason}); this window indexes the logs in memory until the writing window rebuilds it.`;
  }

  resumeSaves(): void {
    this.savesHeld = false;
  }

  markDirty(): void {
    this.dirty = true;
    this.scheduleSave();
  }

  private scheduleSave(): void {
    if (!this.isWriter || this.frozen || this.blocked || this.savesHeld || this.closed) return;
    if (this.saveTimer) return;
    this.saveTimer = setTimeout(() => {
      this.saveTimer = undefined;
      this.options.saveDue();
    }, this.options.saveDelayMs);
    this.saveTimer.unref();
  }

  async save(): Promise<void> {
    if (!this.isWriter || this.frozen || this.blocked || this.savesHeld || !this.current) return;
    if (!this.dirty) {
      // Unchanged since loaded or saved: only a missing run list is written, for the file as it is.
      if (this.listDue && this.loadedFrom) await this.saveRunList(this.loadedFrom, this.contents.runList?.());
      return;
    }
    if (this.saveTimer) { clearTimeout(this.saveTimer); this.saveTimer = undefined; }
    this.dirty = false;
    let list: string | undefined;
    try {
      const bytes = this.current.export();
      // Taken with the export: the list describes exactly what the file will hold.
      list = this.contents.runList?.();
      await writeFileAtomic(this.path, bytes);
      this.loadedFrom = this.identity();
    } catch (err) {
      this.dirty = true;
      const p = describeFileError(err, this.path, 'write');
      throw new Error(`cannot save the database: ${p.cause}. ${p.remedy} The index keeps working in memory and is saved again after the next change.`);
    }
    if (this.loadedFrom) await this.saveRunList(this.loadedFrom, list);
  }

  /** The run list for the database file `db`; a failure only costs the next open its head start. */
  private async saveRunList(db: FileIdentity, body: string | undefined): Promise<void> {
    if (body === undefined) return;
    try {
      await writeRunList(this.options.trialbookDir, db, body);
      this.listDue = false;
    } catch (err) {
      this.listDue = true;
      this.options.log.info(`Trialbook: could not write the run list beside the database (${errorMessage(err)}); the next open lists runs once the database has loaded.`);
    }
  }

  /**
   * sql.js keeps the database in an in-memory file that grows by an eighth at a time, copying itself whole each
   * time: building a 90 MB database made ≈ 40 such copies and was a sixth of ingest. Before a large ingest the
   * database is reopened over a buffer with room for what the logs will add. The room costs no memory until pages
   * are written into it (a fresh zeroed allocation), and saves stay exact: an export copies only the pages in use.
   */
  makeRoom(unreadBytes: number): void {
    const room = Math.min(MAX_ROOM, Math.round(unreadBytes * DB_BYTES_PER_LOG_BYTE));
    if (room < MIN_ROOM || !this.current) return;
    try {
      const size = databaseSize(this.current);
      // The file's own next growth step covers a small addition; and reopening a large database would briefly hold
      // it three times over (file, export, new buffer), more than the copies it saves.
      if (room < size / 8 || size > MAX_ROOM) return;
      const image = this.current.export();
      // A Buffer, not a Uint8Array: sql.js copies a Uint8Array with `slice()`, which takes V8 over a second for
      // 100 MB (element by element), all of it blocking the extension host; a Buffer's `slice()` is a view.
      const roomy = Buffer.alloc(image.length + room);
      roomy.set(image);
      const db = new this.sql.Database(roomy);
      tune(db);
      this.current.close();
      this.current = db;
      this.options.log.info(`Trialbook: made room for ${Math.round(room / 1048576)} MiB in the database before reading ${Math.round(unreadBytes / 1048576)} MiB of logs.`);
    } catch (err) {
      // Only an optimisation: without the room, ingest is slower, not wrong.
      this.options.log.info(`Trialbook: could not reserve ${room} bytes for the database (${errorMessage(err)}).`);
    }
  }

  close(): void {
    this.closed = true;
    if (this.saveTimer) clearTimeout(this.saveTimer);
    this.lock.release();
    this.current?.close();
  }
}
