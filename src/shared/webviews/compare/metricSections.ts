// Metric sections: charts grouped by the metric name's prefix (`train/loss` → `train`), as W&B groups its panels.
// Shared so the host's default choice of charts and the page's sections agree.

export interface MetricSection {
  /** The prefix before the first `/`; '' for metrics without one. */
  name: string;
  metrics: string[];
}

/** Prefixes shown first, in this order; others follow alphabetically; system metrics always come last. */
const FIRST = ['', 'train', 'training', 'val', 'valid', 'validation', 'eval', 'test'];
const SYSTEM = 'system';
/** Charts opened by default, counted by whole sections (a section is never half open). */
export const DEFAULT_CHART_BUDGET = 24;

export function sectionOf(metric: string): string {
  const slash = metric.indexOf('/');
  return slash > 0 ? metric.slice(0, slash) : '';
}

function rank(name: string): number {
  if (name.toLowerCase() === SYSTEM) return Number.MAX_SAFE_INTEGER;
  const at = FIRST.indexOf(name.toLowerCase());
  return at >= 0 ? at : FIRST.length;
}

/** Every metric in its section; sections in display order, metrics sorted within each. */
export function metricSections(metrics: readonly string[]): MetricSection[] {
  const byName = new Map<string, string[]>();
  for (const metric of metrics) {
    const name = sectionOf(metric);
    const list = byName.get(name);
    if (list) list.push(metric);
    else byName.set(name, [metric]);
  }
  return [...byName.entries()]
    .sort(([a], [b]) => rank(a) - rank(b) || (a < b ? -1 : a > b ? 1 : 0))
    .map(([name, list]) => ({ name, metrics: [...list].sort() }));
}

export const isSystemSection = (name: string): boolean => name.toLowerCase() === SYSTEM;

/**
 * Charts drawn when the user has not chosen: whole sections in display order, system metrics left collapsed, until
 * the budget is spent (the first section always opens); system metrics only when a run logged nothing else.
 */
export function defaultMetrics(all: readonly string[], budget = DEFAULT_CHART_BUDGET): string[] {
  const sections = metricSections(all);
  const own = sections.filter((s) => !isSystemSection(s.name));
  const chosen: string[] = [];
  for (const section of own.length ? own : sections) {
    if (chosen.length > 0 && chosen.length + section.metrics.length > budget) break;
    chosen.push(...section.metrics);
  }
  return chosen;
}
