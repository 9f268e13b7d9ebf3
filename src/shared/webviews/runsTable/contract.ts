// The runs table's contract: declared once, it gives both sides their types and the host its runtime check.
import {
  arrayOf, bool, defineContract, messagesOf, nullable, num, objectOf, optional, recordOf, str, tupleOf, unknownValue, type Infer,
} from '../schema';
import { wireNumber, wireValue } from '../wireValue';

/** A CSV of 10,000 runs × 200 columns of 25 characters fits; anything larger is not a table this page built. */
export const CSV_MAX_CHARS = 64 * 1024 * 1024;

const tableMetric = objectOf({ key: str(), last: wireNumber, min: wireNumber, max: wireNumber });
export type TableMetric = Infer<typeof tableMetric>;

/** One run as the table shows it: only what the columns need. Params and metrics are lists, never name-keyed objects. */
const tableRow = objectOf({
  id: str(),
  name: str(),
  experiment: str(),
  status: str(),
  /** Set for an imported run its tool still calls running that has been silent past the crash window: for how long (ms). */
  staleForMs: optional(num()),
  /** Milliseconds since the epoch. */
  startedAt: num(),
  /** End (or, while running, latest event) minus start, in milliseconds. */
  durationMs: num(),
  tags: arrayOf(str()),
  user: str(),
  gitCommit: str(),
  /** `[name, value]`, nested lists and objects as their JSON text. */
  params: arrayOf(tupleOf(str(), wireValue)),
  metrics: arrayOf(tableMetric),
  /** The run's `run.summary` values as `[name, value]`, like params. */
  summary: optional(arrayOf(tupleOf(str(), wireValue))),
});
export type TableRow = Infer<typeof tableRow>;

const sort = objectOf({
  /** A column id (see webview/runsTable/columns.ts): `name`, `started`, `p:<param>`, `m:<metric>`, `m:<metric>:min`, `s:<summary>`, … */
  column: str(),
  descending: bool(),
});
export type RunsTableSort = Infer<typeof sort>;

/** UI choices the webview keeps with setState; the panel serializer gets them back after a reload. */
const runsTableState = objectOf({
  filter: str(),
  sort: nullable(sort),
  /** Column id → shown or not, only where the user overrode the column's default. */
  columns: recordOf(bool()),
  onlyDiffering: bool(),
  /** Column id → width in pixels, where the user resized a column. */
  widths: optional(recordOf(num({ min: 1 }))),
  /** Column ids in the order the user arranged them (dragging a header, or Alt+←/→ on it); absent: natural order. */
  order: optional(arrayOf(str())),
  /** Selected run ids and the scroll offset, so the table comes back as it was when its tab is shown again. */
  selected: optional(arrayOf(str())),
  scrollTop: optional(num({ min: 0 })),
  /** Rows grouped by this column (`experiment` or `p:<param>`); absent: not grouped. */
  groupBy: optional(str()),
  /** Keys of the groups the user collapsed (the grouped column's cell text). */
  collapsed: optional(arrayOf(str())),
});
export type RunsTableViewState = Infer<typeof runsTableState>;

export const runsTableContract = defineContract({
  panel: 'Runs table',
  toHost: messagesOf({
    ready: objectOf({ state: optional(unknownValue()) }),
    setFilter: objectOf({ filter: str() }),
    compare: objectOf({ runIds: arrayOf(str(), { minLength: 1 }) }),
    /** The selected runs in the Sweep / Analysis panel. */
    analyze: objectOf({ runIds: arrayOf(str(), { minLength: 1 }) }),
    openRun: objectOf({ runId: str() }),
    /** The table as shown (columns, rows in view order) as RFC 4180 CSV, for the host to save where the user says. */
    exportCsv: objectOf({ csv: str({ maxLength: CSV_MAX_CHARS }) }),
  }),
  toWebview: messagesOf({
    /** Every run matching `filter`, in the index's default order (newest first); `total` counts all runs. */
    rows: objectOf({ rows: arrayOf(tableRow), filter: str(), total: num({ min: 0, integer: true }) }),
    /**
     * What changed since the last `rows` or `rowsDelta` (same filter): rows added or changed, ids no longer listed,
     * and the ids in the new order when the order changed. Live runs then cost a few rows per update, not all.
     */
    rowsDelta: objectOf({
      upserts: arrayOf(tableRow), removed: arrayOf(str()), order: optional(arrayOf(str())), filter: str(), total: num({ min: 0, integer: true }),
    }),
    /** The filter could not be parsed: the rows shown so far stay. */
    filterError: objectOf({ filter: str(), message: str() }),
    error: objectOf({ message: str() }),
  }),
  state: runsTableState,
});

export type RunsTableToHostMessage = Infer<typeof runsTableContract.toHost>;
export type HostToRunsTableMessage = Infer<typeof runsTableContract.toWebview>;
