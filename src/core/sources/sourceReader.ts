// The interface each kind of source implements: list the runs it holds, read one run from where the last read
// stopped. Readers only read; the cursor they return is kept by the mirror in Trialbook's folder.
import type { RunDelta, SourceKind, SourceProblem } from './sourceModel';

export interface SourceRunRef {
  /** The run's identity in its source (MLflow run id, TensorBoard run path, W&B run id). */
  sourceId: string;
  /** Where the reader finds it (a folder, or the store file). */
  location: string;
}

export interface RunListing {
  runs: SourceRunRef[];
  problems: SourceProblem[];
}

export interface SourceReader {
  readonly kind: SourceKind;
  /** The folder or file the user added as a source. */
  readonly root: string;
  listRuns(): Promise<RunListing>;
  /** What is new in one run since `cursor` (undefined: read it all). */
  readRun(ref: SourceRunRef, cursor: unknown): Promise<RunDelta>;
  /** Releases what the reader holds open (an SQLite image). */
  close(): void;
}
