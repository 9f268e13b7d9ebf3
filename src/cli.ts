// Command-line entry (dist/cli.js): the index's queries and registry pushes from a terminal, for scripts and CI.
// Each command lives in src/cli/<name>Command.ts and shares src/core with the extension.
import { runCli } from './cli/main';

runCli(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err: unknown) => {
    process.stderr.write(`trialbook: ${err instanceof Error ? err.message : String(err)}\n`);
    process.exitCode = 1;
  },
);
