import type { AnalysisScope } from '../../shared/webviews/analysis/contract';

/** An open Analysis panel as the test API reports it. */
export interface AnalysisPanelInfo {
  title: string;
  scope: AnalysisScope;
  ready: boolean;
  /** Runs the page was last sent (0 before the first send or when none match). */
  runs: number;
  /** Host time to read the runs and build the table, and the last importance computation (ms). */
  dataMs: number;
  importanceMs: number;
}
