// Command ids in one typed place; package.json contributes the same ids.
export const CommandId = {
  refresh: 'trialbook.refresh',
  compareRuns: 'trialbook.compareRuns',
  compareSelected: 'trialbook.compareSelected',
  copyRunId: 'trialbook.copyRunId',
  revealSource: 'trialbook.revealSource',
  openExample: 'trialbook.openExample',
  runPythonFile: 'trialbook.runPythonFile',
  installSdk: 'trialbook.installSdk',
  rebuildDatabase: 'trialbook.rebuildDatabase',
  showLog: 'trialbook.showLog',
} as const;

export const ContextKey = {
  ready: 'trialbook.ready',
  hasRuns: 'trialbook.hasRuns',
} as const;

export const ViewId = {
  container: 'trialbook',
  runs: 'trialbook.runs',
} as const;

export const compareViewType = 'trialbook.compare';
