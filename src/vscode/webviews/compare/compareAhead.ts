// What a compare panel reads and posts before its page asks (comparePanel.ts: sendAhead, prefetch).
import type { CompareData } from '../../../shared/webviews/compare/contract';

/** Lines being read before the page asked for them: reading goes on while it is the panel's current prefetch. */
export type Prefetch = { readonly runs: number };

/** A comparison posted to a new page before it said ready (see sendAhead), with what it was built for. */
export interface Ahead {
  readonly data: CompareData;
  readonly maxPoints: number;
  /** The request it answered (`sends`) and the page it went to (`pageGeneration`): either moving on voids it. */
  readonly sending: number;
  readonly generation: number;
  /** `changes` when it was built: a run of the panel changing since makes the page's ready send anew. */
  readonly changes: number;
}
