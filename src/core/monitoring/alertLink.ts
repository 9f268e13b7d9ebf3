// Where monitoring meets the model lifecycle: an alerting batch of a registered version becomes an `alert` entry of
// `.trialbook/models.jsonl` (once per batch), which later transitions can answer ("retrained because of the alert on
// line N"); and the alert's Problems entry is anchored on the model's own files: its gates in `.trialbook/gates.json`,
// else its entries in the transition log, else (a version never registered) the batch in the monitoring run's log.
import type { GateDefinition } from '../lifecycle/gatesFile';
import { findVersion, type ModelVersionState, type Registry } from '../lifecycle/modelState';
import type { AlertRecord } from '../lifecycle/transitionLog';
import { describeFinding, type MonitoredVersion } from './monitorStatus';

/** The lifecycle version a monitored version names: monitoring names versions by text, the log by number. */
export function registeredVersion(registry: Registry, v: Pick<MonitoredVersion, 'model' | 'version'>): ModelVersionState | undefined {
  if (!/^[1-9]\d{0,8}$/.test(v.version)) return undefined;
  return findVersion(registry, v.model, Number(v.version));
}

/** What the log records of a version in alert: its latest batch and the findings at the alert level. */
export function alertRecord(v: MonitoredVersion): AlertRecord | undefined {
  const batch = v.latest;
  if (v.status !== 'alert' || !batch) return undefined;
  return { run: v.run.runId, batch: batch.index, timestamp: batch.timestamp, findings: batch.alerts.filter((f) => f.level === 'alert').map(describeFinding) };
}

/** Where a Problems entry goes: a file of the workspace's `.trialbook` and a 0-based line and column in it. */
export type ProblemAnchor =
  | { file: 'gates'; offset: number }
  | { file: 'models'; line: number; column: number }
  | { file: 'run'; line: number; column: number };

/**
 * The model's gates (its own, else those for every model) when the gates file defines any; else the version's alert
 * entry for this batch in the transition log, or its latest entry; else the batch's line in the monitoring run's log.
 */
export function problemAnchor(v: MonitoredVersion, registry: Registry, gates: readonly GateDefinition[]): ProblemAnchor {
  const fileGates = gates.filter((g) => g.origin === 'file' && g.offset !== undefined);
  const gate = fileGates.find((g) => g.model === v.model) ?? fileGates.find((g) => g.model === '*');
  if (gate?.offset !== undefined) return { file: 'gates', offset: gate.offset };
  const registered = registeredVersion(registry, v);
  if (registered) {
    const batch = v.latest;
    const alert = registered.alerts.find((h) => h.entry.alert?.run === v.run.runId && h.entry.alert.batch === batch?.index);
    const line = alert?.line ?? registered.history[registered.history.length - 1]?.line ?? 1;
    return { file: 'models', line: line - 1, column: 0 };
  }
  return { file: 'run', line: Math.max(0, (v.latest?.line ?? 1) - 1), column: 0 };
}
