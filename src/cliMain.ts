// The command line's work (dist/cliMain.js, started by dist/cli.js with V8's background compiler off: see
// src/cli/processExit.ts): the index's queries and registry pushes from a terminal, for scripts and CI. Each
// command lives in src/cli/<name>Command.ts and shares src/core with the extension.
import { runCli } from './cli/main';
import { exitWhenFlushed } from './cli/processExit';
import { printError } from './cli/terminalOutput';
import { errorMessage } from './shared/errorMessage';

void runCli(process.argv.slice(2)).then(
  (code) => code,
  (err: unknown) => {
    printError(errorMessage(err));
    return 1;
  },
).then(exitWhenFlushed);
