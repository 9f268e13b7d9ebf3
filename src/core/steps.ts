// Work written once as steps (a generator that yields between them) and run either at once or in slices: the same
// code loads a database synchronously where its caller cannot wait, and in slices on the open path, where the
// extension host's thread must be given back every few milliseconds (see slices.ts).
import type { Slicer } from './slices';

/** Steps of work ending in a `T`: each `yield` is a point where the thread may be given back. */
export type Steps<T> = Generator<void, T, void>;

/** Runs every step now. */
export function runSteps<T>(steps: Steps<T>): T {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
  }
}

/** Runs the steps, giving the thread back (through `slicer`) whenever a slice has run its length. */
export async function runStepsSliced<T>(steps: Steps<T>, slicer: Slicer): Promise<T> {
  for (;;) {
    const next = steps.next();
    if (next.done) return next.value;
    await slicer.pause();
  }
}
