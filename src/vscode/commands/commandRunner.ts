import * as vscode from 'vscode';
import type { Logger } from '../../core/model';
import { errorMessage } from '../../shared/errorMessage';
import { inertText } from '../../shared/untrustedText';
import { CommandId, type CommandKey } from '../commandIds';
import { CommandArguments } from './commandArgs';

/** One command's work; it reads its arguments through `args.get(index, parser)`. */
export type CommandHandler = (args: CommandArguments) => unknown;

/** Handlers of a feature's commands, by key of `CommandId`. */
export type CommandTable<K extends CommandKey> = Record<K, CommandHandler>;

export interface CommandError {
  command: string;
  message: string;
}

/**
 * Registers commands and reports what they throw the same way for all: logged with its stack, shown once as an
 * error notification (its text inert: messages may quote run names and paths), and kept for the test API.
 */
export class CommandRunner implements vscode.Disposable {
  private readonly disposables: vscode.Disposable[] = [];
  private readonly reported: CommandError[] = [];

  constructor(private readonly log: Logger, private readonly showLog: () => void) {}

  /** Errors reported since activation. */
  get errors(): readonly CommandError[] {
    return this.reported;
  }

  registerAll<K extends CommandKey>(table: CommandTable<K>): void {
    for (const key of Object.keys(table) as K[]) this.register(key, table[key]);
  }

  register(key: CommandKey, handler: CommandHandler): void {
    const id = CommandId[key];
    this.disposables.push(vscode.commands.registerCommand(id, (...values: unknown[]) => this.run(id, handler, values)));
  }

  private async run(id: string, handler: CommandHandler, values: unknown[]): Promise<unknown> {
    try {
      return await handler(new CommandArguments(id, values));
    } catch (err) {
      const message = errorMessage(err);
      this.log.error(`${id} failed: ${err instanceof Error && err.stack ? err.stack : message}`);
      this.reported.push({ command: id, message });
      void vscode.window.showErrorMessage(`Trialbook: ${inertText(message)}`, 'Show Log').then((choice) => {
        if (choice) this.showLog();
      });
      return undefined;
    }
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
