// Command, context key and view ids in one typed place; package.json contributes the same ids.
export const CommandId = {
  refresh: 'trialbook.refresh',
  compareRuns: 'trialbook.compareRuns',
  compareSelected: 'trialbook.compareSelected',
  compareInNewPanel: 'trialbook.compareInNewPanel',
  openRun: 'trialbook.openRun',
  showRunMedia: 'trialbook.showRunMedia',
  openRunsTable: 'trialbook.openRunsTable',
  filterRuns: 'trialbook.filterRuns',
  clearFilter: 'trialbook.clearFilter',
  sortRuns: 'trialbook.sortRuns',
  chooseKeyMetric: 'trialbook.chooseKeyMetric',
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
  openMonitoring: 'trialbook.openMonitoring',
  refreshMonitoring: 'trialbook.refreshMonitoring',
  addSource: 'trialbook.addSource',
  showSourceProblems: 'trialbook.showSourceProblems',
  reimportDeletedSourceRuns: 'trialbook.reimportDeletedSourceRuns',
  registerModel: 'trialbook.registerModel',
  retrainModel: 'trialbook.retrainModel',
  setModelStage: 'trialbook.setModelStage',
  pushModelVersion: 'trialbook.pushModelVersion',
  openGatesFile: 'trialbook.openGatesFile',
  exportModelReport: 'trialbook.exportModelReport',
  analyzeRuns: 'trialbook.analyzeRuns',
} as const;

export type CommandKey = keyof typeof CommandId;

/**
 * Commands that work on the open folder's runs. They are registered with the folder's parts (index, views);
 * without a folder each answers with one message saying to open one. Every other command works anywhere.
 */
export const workspaceCommandKeys = [
  'refresh', 'compareRuns', 'compareSelected', 'compareInNewPanel', 'openRun', 'openRunsTable', 'filterRuns', 'clearFilter', 'sortRuns',
  'chooseKeyMetric', 'toggleRunningOnly', 'toggleStarredOnly', 'renameRun', 'editNotes', 'editTags', 'toggleStar', 'deleteRun', 'copyRunId',
  'revealSource', 'showCodeDiff', 'openAtCommit', 'exportComparisonCsv', 'pushModel', 'verifyModel', 'copyReference',
  'rebuildDatabase', 'openMonitoring', 'refreshMonitoring', 'addSource', 'showSourceProblems', 'reimportDeletedSourceRuns',
  'registerModel', 'retrainModel', 'setModelStage', 'pushModelVersion', 'openGatesFile', 'exportModelReport',
  'analyzeRuns', 'showRunMedia',
] as const satisfies readonly CommandKey[];

export type WorkspaceCommandKey = (typeof workspaceCommandKeys)[number];
export type GlobalCommandKey = Exclude<CommandKey, WorkspaceCommandKey>;

export const ContextKey = {
  ready: 'trialbook.ready',
  hasRuns: 'trialbook.hasRuns',
  hasModels: 'trialbook.hasModels',
  compareFocused: 'trialbook.compareFocused',
  filterActive: 'trialbook.filterActive',
  runningOnly: 'trialbook.runningOnly',
  starredOnly: 'trialbook.starredOnly',
} as const;

export const ViewId = {
  container: 'trialbook',
  runs: 'trialbook.runs',
  models: 'trialbook.models',
  datasets: 'trialbook.datasets',
} as const;

export const compareViewType = 'trialbook.compare';
export const detailsViewType = 'trialbook.details';
