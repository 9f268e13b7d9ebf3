// The registry as the transition log says it is now: models → versions → stage, pushes and history. Replaying is
// a fold over the entries in file order; an entry that does not fit (a version that was never registered…) is
// reported, not applied, so the rest of the history still shows.
import type { LogEntry, LogProblem, ReadEntry } from './transitionLog';

export const KNOWN_STAGES = ['candidate', 'staging', 'production', 'archived'] as const;

/** Where a stage stands among the known ones (user stages sit between staging and production). */
export function stageRank(stage: string): number {
  const i = (KNOWN_STAGES as readonly string[]).indexOf(stage);
  return i === 0 ? 0 : i === 1 ? 1 : i === 2 ? 3 : i === 3 ? -1 : 2;
}

/** promote, demote or archive: what moving from one stage to another is called in the log. */
export function stageAction(from: string, to: string): 'promote' | 'demote' | 'archive' {
  if (to === 'archived') return 'archive';
  return stageRank(to) >= stageRank(from) ? 'promote' : 'demote';
}

export interface HistoryItem {
  line: number;
  entry: LogEntry;
  /** The reason as later corrected (correct entries), when it was. */
  correctedReason?: string;
}

export interface ModelVersionState {
  model: string;
  version: number;
  runId: string;
  artifact: string;
  sha256?: string;
  stage: string;
  replaces?: number;
  /** The reason of the latest transition of this version. */
  latestReason: string;
  pushes: LogEntry[];
  /** Monitoring alerts recorded for this version (docs/monitoring.md), oldest first. */
  alerts: HistoryItem[];
  history: HistoryItem[];
}

export interface ModelState {
  name: string;
  versions: ModelVersionState[];
  history: HistoryItem[];
}

export interface Registry {
  models: ModelState[];
  problems: LogProblem[];
}

/** Folds the log's entries into models and versions. */
export function replay(entries: readonly ReadEntry[], readProblems: readonly LogProblem[] = []): Registry {
  const models = new Map<string, ModelState>();
  const byLine = new Map<number, HistoryItem>();
  const problems: LogProblem[] = [...readProblems];
  const version = (m: ModelState, n: number): ModelVersionState | undefined => m.versions.find((v) => v.version === n);
  for (const { line, entry } of entries) {
    let model = models.get(entry.model);
    const item: HistoryItem = { line, entry };
    if (entry.action === 'register' || entry.action === 'retrain') {
      if (!entry.runId || !entry.artifact) { problems.push({ line, kind: 'unreadable', message: `line ${line} registers a version without its run and artifact; it was skipped` }); continue; }
      if (!model) models.set(entry.model, (model = { name: entry.model, versions: [], history: [] }));
      if (version(model, entry.version)) { problems.push({ line, kind: 'unreadable', message: `line ${line} registers ${entry.model} v${entry.version} again; it was skipped` }); continue; }
      model.versions.push({
        model: entry.model, version: entry.version, runId: entry.runId, artifact: entry.artifact,
        ...(entry.sha256 !== undefined ? { sha256: entry.sha256 } : {}),
        ...(entry.replaces !== undefined ? { replaces: entry.replaces } : {}),
        stage: entry.stage ?? 'candidate', latestReason: entry.reason, pushes: [], alerts: [], history: [item],
      });
      model.history.push(item);
      byLine.set(line, item);
      checkAlertReference(entry, line, byLine, problems);
      continue;
    }
    const v = model ? version(model, entry.version) : undefined;
    if (!model || !v) { problems.push({ line, kind: 'unreadable', message: `line ${line} is about ${entry.model} v${entry.version}, which was never registered; it was skipped` }); continue; }
    if (entry.action === 'correct') {
      const target = entry.corrects === undefined ? undefined : byLine.get(entry.corrects);
      if (!target) { problems.push({ line, kind: 'unreadable', message: `line ${line} corrects line ${String(entry.corrects)}, which is no transition of ${entry.model}; it was skipped` }); continue; }
      target.correctedReason = entry.reason;
    } else if (entry.action === 'push') {
      v.pushes.push(entry);
    } else if (entry.action === 'alert') {
      v.alerts.push(item);
    } else if (entry.stage !== undefined) {
      v.stage = entry.stage;
    }
    checkAlertReference(entry, line, byLine, problems);
    // An alert is something that happened to the version, not a decision about it: the latest reason stays.
    if (entry.action !== 'alert') v.latestReason = entry.reason;
    v.history.push(item);
    model.history.push(item);
    byLine.set(line, item);
  }
  const sorted = [...models.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  for (const m of sorted) m.versions.sort((a, b) => a.version - b.version);
  return { models: sorted, problems };
}

/** A transition that answers an alert must name an earlier alert entry of the same model. */
function checkAlertReference(entry: LogEntry, line: number, byLine: ReadonlyMap<number, HistoryItem>, problems: LogProblem[]): void {
  if (entry.becauseOfAlert === undefined) return;
  const target = byLine.get(entry.becauseOfAlert)?.entry;
  if (target?.action !== 'alert' || target.model !== entry.model) {
    problems.push({ line, kind: 'unreadable', message: `line ${line} answers an alert on line ${entry.becauseOfAlert}, which is no alert of ${entry.model}; the transition was kept, the link ignored` });
  }
}

/** The alert entry a line names, when it is an alert of the model. */
export function alertAt(registry: Registry, model: string, line: number): HistoryItem | undefined {
  return registry.models.find((m) => m.name === model)?.history.find((h) => h.line === line && h.entry.action === 'alert');
}

export function findVersion(registry: Registry, model: string, version: number): ModelVersionState | undefined {
  return registry.models.find((m) => m.name === model)?.versions.find((v) => v.version === version);
}
