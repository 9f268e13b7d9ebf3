// Ids of the monitoring view, its commands and its panel (package.json contributes the same ids).
import { CommandId } from '../commandIds';

export const MonitoringCommandId = {
  open: CommandId.openMonitoring,
  refresh: CommandId.refreshMonitoring,
} as const;

export const monitoringViewId = 'trialbook.monitoring';
export const monitoringViewType = 'trialbook.monitoringDashboard';
export const hasMonitoringContext = 'trialbook.hasMonitoring';
