// The `trialbook.*` settings that shape what the editor shows, typed and bounded (no vscode import: unit-tested).
// `configuration.ts` reads them from VS Code and says which changed; registries are read by their own code.

export interface TrialbookSettings {
  /** Metric shown beside each run; empty: the run's first metric by name. */
  keyMetric: string;
  /** Points per line sent to comparison charts. */
  maxPointsPerLine: number;
  /** Seconds without events before a run without `run_end` counts as crashed. */
  crashAfterSeconds: number;
  /** How often the logs are checked besides file-system events. */
  pollIntervalSeconds: number;
}

export type SettingName = keyof TrialbookSettings;

/** Defaults and bounds as package.json declares them (VS Code does not enforce `minimum` on what a user writes). */
const numeric: Record<Exclude<SettingName, 'keyMetric'>, { fallback: number; min: number; max: number; integer: boolean }> = {
  maxPointsPerLine: { fallback: 1000, min: 100, max: 5000, integer: true },
  crashAfterSeconds: { fallback: 30, min: 10, max: Number.MAX_SAFE_INTEGER, integer: true },
  pollIntervalSeconds: { fallback: 2, min: 0.5, max: 24 * 3600, integer: false },
};

export const settingNames: readonly SettingName[] = ['keyMetric', 'maxPointsPerLine', 'crashAfterSeconds', 'pollIntervalSeconds'];

function bounded(value: unknown, rule: { fallback: number; min: number; max: number; integer: boolean }): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) return rule.fallback;
  const v = rule.integer ? Math.round(value) : value;
  return Math.min(rule.max, Math.max(rule.min, v));
}

/** The settings from raw values (`get('keyMetric')` …): wrong types fall back to the default, numbers are clamped. */
export function parseSettings(get: (name: SettingName) => unknown): TrialbookSettings {
  const keyMetric = get('keyMetric');
  return {
    keyMetric: typeof keyMetric === 'string' ? keyMetric.trim() : '',
    maxPointsPerLine: bounded(get('maxPointsPerLine'), numeric.maxPointsPerLine),
    crashAfterSeconds: bounded(get('crashAfterSeconds'), numeric.crashAfterSeconds),
    pollIntervalSeconds: bounded(get('pollIntervalSeconds'), numeric.pollIntervalSeconds),
  };
}

/** Names of the settings whose values differ. */
export function changedSettings(before: TrialbookSettings, after: TrialbookSettings): Set<SettingName> {
  return new Set(settingNames.filter((name) => before[name] !== after[name]));
}
