import * as assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import * as vscode from 'vscode';
import { activateTrialbook, waitFor } from './helpers';

suite('Install Python SDK', () => {
  test('pip-installs the bundled SDK into a chosen interpreter, in a terminal, offline', async function () {
    this.timeout(120_000);
    await activateTrialbook();
    const venv = join(mkdtempSync(join(tmpdir(), 'trialbook-venv-')), 'env');
    execFileSync('/usr/bin/python3', ['-m', 'venv', venv], { timeout: 60_000 });
    const python = join(venv, 'bin', 'python');
    await vscode.commands.executeCommand('trialbook.installSdk', python);
    assert.ok(vscode.window.terminals.some((t) => t.name === 'Trialbook: Install SDK'), 'the install runs in a visible terminal');
    // The terminal runs pip; wait until the package imports from the venv.
    const version = await waitFor('trialbook to import in the venv', () => {
      if (!existsSync(join(venv, 'lib'))) return undefined;
      try {
        return execFileSync(python, ['-c', 'import trialbook; print(trialbook.__version__, trialbook.FORMAT_VERSION)'], { encoding: 'utf8', cwd: tmpdir() }).trim();
      } catch {
        return undefined;
      }
    }, 90_000);
    assert.match(version, /^\d+\.\d+\.\d+\S* 1$/);
  });
});
