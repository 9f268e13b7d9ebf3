// The run details page's contract: declared once, it gives both sides their types and the host its runtime check.
import {
  arrayOf, bool, defineContract, messagesOf, num, objectOf, oneOf, optional, str, tupleOf, unknownValue, type Infer,
} from '../schema';
import { latestMediaSchema } from '../media/contract';
import { wireNumber, wireValue } from '../wireValue';

const field = objectOf({ label: str(), value: str() });
export type DetailsField = Infer<typeof field>;

const artifact = objectOf({
  name: str(),
  type: str(),
  path: str(),
  size: num({ min: 0 }),
  sha256: str(),
  files: optional(num({ min: 0, integer: true })),
  pushes: arrayOf(str()),
});
export type DetailsArtifact = Infer<typeof artifact>;

/** A dataset the run used, as text ready to show (fingerprint shortened, size and shape formatted). */
const input = objectOf({
  name: str(),
  status: str(),
  /** First 16 hex of the content hash, the URI of remote data, or why it is unknown. */
  fingerprint: str(),
  size: str(),
  /** "1,000 rows × 3 columns (csv)", or ''. */
  shape: str(),
  columns: arrayOf(str()),
  source: str(),
  context: str(),
});
export type DetailsInput = Infer<typeof input>;

const sparkLine = objectOf({ key: str(), points: arrayOf(wireNumber) });
export type SparkLine = Infer<typeof sparkLine>;

const runDetails = objectOf({
  id: str(),
  name: str(),
  experiment: str(),
  status: str(),
  color: str(),
  notes: str(),
  tags: arrayOf(str()),
  /** Who, when, where, what: label/value pairs in display order. */
  lineage: arrayOf(field),
  /** `[name, value]`, sorted by name. */
  params: arrayOf(tupleOf(str(), wireValue)),
  metrics: arrayOf(objectOf({ key: str(), last: wireNumber, min: wireNumber, max: wireNumber, count: num({ min: 0, integer: true }) })),
  /** The run's `run.summary` values, `[name, value]` sorted by name. */
  summary: optional(arrayOf(tupleOf(str(), wireValue))),
  artifacts: arrayOf(artifact),
  /** Datasets the run used (`run.use_dataset`, `run.log_input`). */
  inputs: optional(arrayOf(input)),
  hasDiff: bool(),
  hasCommit: bool(),
  warnings: arrayOf(str()),
  error: optional(str()),
  /** `[package, version]`, sorted by package. */
  packages: arrayOf(tupleOf(str(), str())),
  /** Each metric's line for its sparkline, downsampled (extremes kept): `points` is x0, y0, x1, y1, … by step. */
  sparks: optional(arrayOf(sparkLine)),
});
export type RunDetailsData = Infer<typeof runDetails>;

export const detailsActions = ['showDiff', 'openAtCommit', 'compare', 'copyId', 'revealSource'] as const;
const action = oneOf(...detailsActions);
export type DetailsAction = Infer<typeof action>;

/** What the page saves: which run it shows, so the serializer can reopen it after a reload. */
const detailsState = objectOf({ runId: str() });
export type DetailsViewState = Infer<typeof detailsState>;

export const detailsContract = defineContract({
  panel: 'Run details',
  toHost: messagesOf({
    ready: objectOf({ state: optional(unknownValue()) }),
    action: objectOf({ action }),
    saveNotes: objectOf({ notes: str() }),
    /** A link in the run's logged Markdown: the host opens it only after the user confirms. */
    openLink: objectOf({ url: str({ maxLength: 8000 }) }),
  }),
  toWebview: messagesOf({
    details: objectOf({ data: runDetails }),
    gone: objectOf({ message: str() }),
    /** The latest value of each media key (sent when they change). */
    media: objectOf({ media: latestMediaSchema }),
    /** Show media: the page scrolls its Media section into view. */
    revealMedia: objectOf({}),
  }),
  state: detailsState,
});

export type DetailsToHostMessage = Infer<typeof detailsContract.toHost>;
export type HostToDetailsMessage = Infer<typeof detailsContract.toWebview>;
