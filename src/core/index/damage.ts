// Damage in the database file: SQLite's own words for a broken page, and the series codec's check of a chunk.
// The database is only an index, so damage found anywhere (opening, a query, a write) is repaired the same way:
// the file is moved aside and the index is rebuilt from the run logs.
import { errorMessage } from '../../shared/errorMessage';
import { DamagedChunkError } from '../seriesCodec';

/** SQLITE_CORRUPT, SQLITE_NOTADB and a damaged schema, as sql.js reports them. */
const SQLITE_DAMAGE = /database disk image is malformed|file is not a database|malformed database schema/;

export function isDamage(err: unknown): boolean {
  return err instanceof DamagedChunkError || SQLITE_DAMAGE.test(errorMessage(err));
}

/** A query met a damaged database: it was set aside and the next sync rebuilds the index from the logs. */
export class DamagedDatabaseError extends Error {}
