import * as vscode from 'vscode';
import { compileFilter } from '../core/filterLanguage';
import type { RunQuery } from '../core/model';
import { errorMessage } from '../shared/errorMessage';
import { ContextKey } from './commandIds';

const stateKey = 'trialbook.runsFilter';

interface FilterState {
  expression: string;
  runningOnly: boolean;
  starredOnly: boolean;
  /** A sort key of the index (`-started`, `name`, `-val_acc`, …). */
  sort: string;
}

/** The Runs view's filter, remembered per workspace; context keys let the view title show what is on. */
export class RunFilter {
  private state: FilterState;
  private readonly changeEmitter = new vscode.EventEmitter<void>();
  readonly onDidChange = this.changeEmitter.event;

  constructor(private readonly memento: vscode.Memento) {
    this.state = { expression: '', runningOnly: false, starredOnly: false, sort: '-started', ...memento.get<Partial<FilterState>>(stateKey, {}) };
    this.updateContext();
  }

  get expression(): string {
    return this.state.expression;
  }

  get active(): boolean {
    return Boolean(this.state.expression || this.state.runningOnly || this.state.starredOnly);
  }

  /** The query the tree runs: the user's expression combined with the toggles. */
  query(): RunQuery {
    const parts: string[] = [];
    if (this.state.expression) parts.push(`(${this.state.expression})`);
    if (this.state.runningOnly) parts.push('status = running');
    if (this.state.starredOnly) parts.push('starred = true');
    return { filter: parts.join(' and ') || undefined, sort: this.state.sort };
  }

  describe(): string {
    const parts: string[] = [];
    if (this.state.expression) parts.push(this.state.expression);
    if (this.state.runningOnly) parts.push('running only');
    if (this.state.starredOnly) parts.push('starred only');
    return parts.join(' · ');
  }

  async setExpression(expression: string): Promise<void> {
    await this.update({ expression: expression.trim() });
  }

  get sort(): string {
    return this.state.sort;
  }

  async setSort(sort: string): Promise<void> {
    await this.update({ sort });
  }

  async toggle(which: 'runningOnly' | 'starredOnly'): Promise<void> {
    await this.update({ [which]: !this.state[which] });
  }

  async clear(): Promise<void> {
    await this.update({ expression: '', runningOnly: false, starredOnly: false });
  }

  private async update(change: Partial<FilterState>): Promise<void> {
    this.state = { ...this.state, ...change };
    await this.memento.update(stateKey, this.state);
    this.updateContext();
    this.changeEmitter.fire();
  }

  private updateContext(): void {
    void vscode.commands.executeCommand('setContext', ContextKey.filterActive, this.active);
    void vscode.commands.executeCommand('setContext', ContextKey.runningOnly, this.state.runningOnly);
    void vscode.commands.executeCommand('setContext', ContextKey.starredOnly, this.state.starredOnly);
  }

  dispose(): void {
    this.changeEmitter.dispose();
  }
}

/** Validation message for an input box: the parser's own message with its column, or undefined when valid. */
export function filterProblem(expression: string): string | undefined {
  if (!expression.trim()) return undefined;
  try {
    compileFilter(expression);
    return undefined;
  } catch (err) {
    return errorMessage(err);
  }
}
