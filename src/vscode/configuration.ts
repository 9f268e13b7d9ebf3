import * as vscode from 'vscode';
import { changedSettings, parseSettings, type SettingName, type TrialbookSettings } from './settings';

export interface SettingsChange {
  settings: TrialbookSettings;
  changed: ReadonlySet<SettingName>;
}

/** The `trialbook.*` settings as they are now, and an event when any of them changes (no reload needed). */
export class Configuration implements vscode.Disposable {
  private value: TrialbookSettings = read();
  private readonly changeEmitter = new vscode.EventEmitter<SettingsChange>();
  readonly onDidChange = this.changeEmitter.event;
  private readonly subscription: vscode.Disposable;

  constructor() {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (!e.affectsConfiguration('trialbook')) return;
      const next = read();
      const changed = changedSettings(this.value, next);
      this.value = next;
      if (changed.size) this.changeEmitter.fire({ settings: next, changed });
    });
  }

  get current(): TrialbookSettings {
    return this.value;
  }

  dispose(): void {
    this.subscription.dispose();
    this.changeEmitter.dispose();
  }
}

function read(): TrialbookSettings {
  const config = vscode.workspace.getConfiguration('trialbook');
  return parseSettings((name) => config.get<unknown>(name));
}
