import * as vscode from 'vscode';
import type { Logger } from '../core/model';

/** The "Trialbook" log output channel; users pick the level with "Developer: Set Log Level". */
export function createLogger(channel: vscode.LogOutputChannel): Logger {
  return {
    info: (message) => channel.info(message),
    warn: (message) => channel.warn(message),
    error: (message) => channel.error(message),
  };
}
