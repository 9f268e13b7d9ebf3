// Points of one read into a delta's series, for sources that log rows of several metrics at once (W&B history).
// Rows that log the same numeric keys as the row that began the group share one steps and one times array across
// their series (series in lockstep: mirrorEvents.ts and mirrorColumns.ts tell them by the shared arrays and do the
// step and time work once), and a row's values go to their series with no lookup by key. A row with other keys, or
// a point pushed on its own to one of the group's keys, gives each series of the group arrays of its own (copies),
// and points go one by one from then on: the series hold the same points either way.
import type { SourceSeries } from './sourceModel';
import { seriesOf } from './sourceModel';

export class LockstepPoints {
  /** The group's keys, in row order, and their series; empty when there is no group. */
  private keys: readonly string[] = [];
  private series: SourceSeries[] = [];
  private steps: number[] = [];
  private times: number[] = [];

  constructor(private readonly delta: { series: Map<string, SourceSeries> }) {}

  /**
   * A row of numbers (`keys[i]` → `values[i]` for i < n) at one step and time: taken (true) when it continues the
   * group or begins one (its keys distinct and new to the delta), else false and the caller pushes it point by point.
   */
  row(keys: readonly string[], values: readonly number[], n: number, step: number, timeMs: number): boolean {
    const group = this.keys;
    if (group.length === 0) {
      if (n === 0 || !this.begin(keys, n)) return false;
    } else {
      if (n !== group.length) { this.split(); return false; }
      for (let i = 0; i < n; i++) if (keys[i] !== group[i]) { this.split(); return false; }
    }
    this.steps.push(step);
    this.times.push(timeMs);
    const series = this.series;
    for (let i = 0; i < n; i++) series[i]!.values.push(values[i]!);
    return true;
  }

  /** The series of `key`, for a point pushed on its own (it gets arrays of its own first when it is in the group). */
  of(key: string): SourceSeries {
    if (this.keys.length > 0 && this.keys.includes(key)) this.split();
    return seriesOf(this.delta, key);
  }

  private begin(keys: readonly string[], n: number): boolean {
    const seen = new Set<string>();
    for (let i = 0; i < n; i++) {
      const key = keys[i] ?? '';
      if (seen.has(key) || this.delta.series.has(key)) return false;
      seen.add(key);
    }
    this.keys = keys.slice(0, n);
    this.steps = [];
    this.times = [];
    this.series = this.keys.map((key) => {
      const s: SourceSeries = { steps: this.steps, times: this.times, values: [] };
      this.delta.series.set(key, s);
      return s;
    });
    return true;
  }

  /** Ends the group: each of its series keeps copies of the shared arrays. */
  private split(): void {
    for (const s of this.series) { s.steps = s.steps.slice(); s.times = s.times.slice(); }
    this.keys = [];
    this.series = [];
  }
}
