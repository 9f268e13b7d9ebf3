// Shared ending of the test runners: code-servers and temporary folders go away on exit and on Ctrl-C,
// and the runner's exit code is main()'s (or `fail`'s when main throws).
import { stopAllCodeServers } from './codeServer.mjs';
import { removeTempDirs } from './tempDirs.mjs';

/** @param {() => Promise<number>} main @param {(message: string) => void} fail */
export function runMain(main, fail) {
  for (const signal of /** @type {const} */ (['SIGINT', 'SIGTERM'])) {
    process.on(signal, () => {
      stopAllCodeServers();
      removeTempDirs();
      process.exit(130);
    });
  }
  process.on('exit', () => {
    stopAllCodeServers();
    removeTempDirs();
  });
  main().then(
    (code) => process.exit(code),
    (error) => fail(error instanceof Error ? error.message : String(error)),
  );
}
