// Command-line entry (dist/cli.js): the index's queries and registry pushes from a terminal, for scripts and CI.
// Each command lives in src/cli/<name>Command.ts and shares src/core with the extension.
import { runCli } from './cli/main';
import { printError } from './cli/terminalOutput';
import { errorMessage } from './shared/errorMessage';

runCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    printError(errorMessage(err));
    process.exitCode = 1;
  },
);
