// Getting started, with or without a folder: the example script, running a file with tracking, installing the SDK.
import * as vscode from 'vscode';
import { installSdk, runPythonFile } from '../pythonCommands';
import { stringArg, uriArg } from './commandArgs';
import type { CommandTable } from './commandRunner';

const isUri = (value: unknown): value is vscode.Uri => value instanceof vscode.Uri;

export function setupCommands(extensionUri: vscode.Uri, trialbookDir: string | undefined): CommandTable<'openExample' | 'runPythonFile' | 'installSdk'> {
  return {
    openExample: async () => {
      const source = vscode.Uri.joinPath(extensionUri, 'examples', 'train.py');
      const text = Buffer.from(await vscode.workspace.fs.readFile(source)).toString('utf8');
      await vscode.window.showTextDocument(await vscode.workspace.openTextDocument({ language: 'python', content: text }));
    },
    // From the editor title VS Code passes the file's URI (and more, ignored); from the palette, nothing.
    runPythonFile: (args) => runPythonFile(extensionUri, trialbookDir, args.get(0, (v, slot) => uriArg(v, slot, isUri))),
    installSdk: (args) => installSdk(extensionUri, args.get(0, (v, slot) => stringArg(v, slot, 'an interpreter path (e.g. /usr/bin/python3)'))),
  };
}
