import type * as vscode from 'vscode';
import type { Logger } from '../core/model';

/** The latest lines written to the channel, kept for the test API (the channel itself cannot be read back). */
export class RecentLines {
  private readonly lines: string[] = [];
  constructor(private readonly limit = 500) {}

  add(level: string, message: string): void {
    this.lines.push(`[${level}] ${message}`);
    if (this.lines.length > this.limit) this.lines.splice(0, this.lines.length - this.limit);
  }

  all(): string[] {
    return [...this.lines];
  }
}

/** The "Trialbook" log output channel; users pick the level with "Developer: Set Log Level". */
export function createLogger(channel: vscode.LogOutputChannel, recent?: RecentLines): Logger {
  return {
    info: (message) => { channel.info(message); recent?.add('info', message); },
    warn: (message) => { channel.warn(message); recent?.add('warning', message); },
    error: (message) => { channel.error(message); recent?.add('error', message); },
  };
}
