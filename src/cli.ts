// Command-line entry (dist/cli.js, `node dist/cli.js <command>`): starts the work (dist/cliMain.js) in a Node
// process with V8's background compiler off, so that it can always exit (src/cli/processExit.ts), and ends as it
// ends. Kept apart from the work so that this first process loads almost nothing.
import * as path from 'node:path';
import { runWithoutBackgroundCompiles } from './cli/processExit';

runWithoutBackgroundCompiles(path.join(__dirname, 'cliMain.js'));
