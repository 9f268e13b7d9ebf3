// Command ids in one typed place; package.json contributes the same ids.
export const CommandId = {
  refresh: 'trialbook.refresh',
  compareRuns: 'trialbook.compareRuns',
  compareSelected: 'trialbook.compareSelected',
  openRun: 'trialbook.openRun',
  openRunsTable: 'trialbook.openRunsTable',
  filterRuns: 'trialbook.filterRuns',
  clearFilter: 'trialbook.clearFilter',
  sortRuns: 'trialbook.sortRuns',
  toggleRunningOnly: 'trialbook.toggleRunningOnly',
  toggleStarredOnly: 'trialbook.toggleStarredOnly',
  renameRun: 'trialbook.renameRun',
  editNotes: 'trialbook.editNotes',
  editTags: 'trialbook.editTags',
  toggleStar: 'trialbook.toggleStar',
  deleteRun: 'trialbook.deleteRun',
  copyRunId: 'trialbook.copyRunId',
  revealSource: 'trialbook.revealSource',
  showCodeDiff: 'trialbook.showCodeDiff',
  openAtCommit: 'trialbook.openAtCommit',
  exportComparisonCsv: 'trialbook.exportComparisonCsv',
  addRegistry: 'trialbook.addRegistry',
  forgetRegistryCredentials: 'trialbook.forgetRegistryCredentials',
  pushModel: 'trialbook.pushModel',
  verifyModel: 'trialbook.verifyModel',
  copyReference: 'trialbook.copyReference',
  openExample: 'trialbook.openExample',
  runPythonFile: 'trialbook.runPythonFile',
  installSdk: 'trialbook.installSdk',
  rebuildDatabase: 'trialbook.rebuildDatabase',
  showLog: 'trialbook.showLog',
} as const;

export const ContextKey = {
  ready: 'trialbook.ready',
  hasRuns: 'trialbook.hasRuns',
  compareFocused: 'trialbook.compareFocused',
} as const;

export const ViewId = {
  container: 'trialbook',
  runs: 'trialbook.runs',
  models: 'trialbook.models',
} as const;

export const compareViewType = 'trialbook.compare';
export const detailsViewType = 'trialbook.details';
