// The monitoring dashboard's contract: one model version's performance over time against its training baseline,
// the drift strip (features × batches coloured by PSI) and, per cell, the two distributions to overlay.
import {
  arrayOf, bool, defineContract, messagesOf, nullable, num, objectOf, oneOf, optional, str, tupleOf, unknownValue, type Infer,
} from '../schema';

const level = oneOf('ok', 'warning', 'alert');
export type MonitorLevelName = Infer<typeof level>;

const feature = objectOf({
  name: str(),
  type: oneOf('numeric', 'categorical'),
  /** Bin labels: numeric `< 1.2`, `1.2 – 3.4`…, `> 9.9`; categorical the reference's categories then `other`. */
  bins: arrayOf(str()),
  /** The reference's share in each bin (sums to 1 over present values). */
  reference: arrayOf(num({ min: 0 })),
});
export type DashboardFeature = Infer<typeof feature>;

/** One feature in one batch: its PSI (null when it could not be computed), status, and shares per bin. */
const cell = objectOf({ psi: nullable(num()), status: level, shares: arrayOf(num({ min: 0 })), detail: str() });
export type DashboardCell = Infer<typeof cell>;

const batch = objectOf({
  index: num({ min: 0, integer: true }),
  /** Milliseconds since the epoch. */
  time: num(),
  rows: num({ min: 0, integer: true }),
  reliable: bool(),
  status: level,
  /** `[metric, value]` (null: not computed). */
  metrics: arrayOf(tupleOf(str(), nullable(num()))),
  /** Aligned with `features`; null where the batch lacked the column. */
  cells: arrayOf(nullable(cell)),
  alerts: arrayOf(str()),
});
export type DashboardBatch = Infer<typeof batch>;

const dashboard = objectOf({
  model: str(),
  version: str(),
  runId: str(),
  trainingRun: optional(str()),
  status: oneOf('ok', 'warning', 'alert', 'no data'),
  /** Why drift is not shown (no reference profile, or an unreadable one). */
  referenceNote: optional(str()),
  features: arrayOf(feature),
  batches: arrayOf(batch),
  /** `[metric, training value]`. */
  baseline: arrayOf(tupleOf(str(), num())),
  psiWarning: num(),
  psiAlert: num(),
  /** The relative degradation that warns: the band drawn around each baseline. */
  performanceWarning: num({ min: 0 }),
  performanceAlert: num({ min: 0 }),
  problems: arrayOf(str()),
});
export type MonitoringDashboard = Infer<typeof dashboard>;

export const monitoringActions = ['openRun', 'openTrainingRun', 'openLog'] as const;
const action = oneOf(...monitoringActions);
export type MonitoringAction = Infer<typeof action>;

/** Which model version the page shows, so the serializer can reopen it after a reload. */
const monitoringState = objectOf({ model: str(), version: str() });
export type MonitoringViewState = Infer<typeof monitoringState>;

export const monitoringContract = defineContract({
  panel: 'Monitoring',
  toHost: messagesOf({
    ready: objectOf({ state: optional(unknownValue()) }),
    action: objectOf({ action, batch: optional(num({ min: 0, integer: true })) }),
  }),
  toWebview: messagesOf({
    dashboard: objectOf({ data: dashboard }),
    gone: objectOf({ message: str() }),
  }),
  state: monitoringState,
});

export type MonitoringToHostMessage = Infer<typeof monitoringContract.toHost>;
export type HostToMonitoringMessage = Infer<typeof monitoringContract.toWebview>;
