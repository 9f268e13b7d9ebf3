// How the CLI process ends. Node 20 can hang at exit: process.exit() shuts the platform down and joins its worker
// threads, while one of them runs a V8 background (concurrent) optimising compile that waits for the main thread
// to collect garbage, which it never will again (caught with gdb under load: the main thread in
// NodePlatform::Shutdown → uv_thread_join, the worker in OptimizingCompileDispatcher::CompileTask →
// LocalHeap::PerformCollectionAndAllocateAgain → CollectionBarrier::AwaitCollectionBackground; nodejs/node#54918
// is the same wait when the loop runs dry). So the CLI runs itself with V8's optimising compiler on the main thread
// (`--no-concurrent-recompilation`: nothing of V8 runs in the background to wait for), and still never lets the
// loop run dry: once its output is handed to the OS it calls process.exit() while a timer holds the loop open.
import { spawn } from 'node:child_process';

export const NO_BACKGROUND_COMPILE = '--no-concurrent-recompilation';
const FORWARDED: NodeJS.Signals[] = ['SIGTERM', 'SIGHUP', 'SIGINT'];

/**
 * Runs `script` in a new Node process with V8's background compiler off (same Node options, arguments, environment
 * and standard streams) and ends as that process ends: its exit code, or its signal.
 */
export function runWithoutBackgroundCompiles(script: string): void {
  const child = spawn(process.execPath, [...process.execArgv, NO_BACKGROUND_COMPILE, script, ...process.argv.slice(2)], { stdio: 'inherit' });
  // A signal sent to this process alone goes on to the one doing the work (Ctrl-C reaches both: the child handles it).
  const forward = (signal: NodeJS.Signals): void => { if (signal !== 'SIGINT') child.kill(signal); };
  for (const s of FORWARDED) process.on(s, forward);
  child.on('error', (err) => {
    process.stderr.write(`error: could not start ${process.execPath}: ${err.message}\n`);
    exitWhenFlushed(1);
  });
  child.on('exit', (code, signal) => {
    for (const s of FORWARDED) process.off(s, forward);
    if (signal) { process.kill(process.pid, signal); return; }
    exitWhenFlushed(code ?? 1);
  });
}

/** Ends the process with `code` once stdout and stderr are flushed. */
export function exitWhenFlushed(code: number): void {
  process.exitCode = code;
  // Holds the loop open until process.exit() below; it never fires.
  setTimeout(() => undefined, 2 ** 31 - 1);
  void Promise.all([flushed(process.stdout), flushed(process.stderr)]).then(() => {
    // One more turn of the loop first, so that a foreground task a background job just posted still runs.
    setImmediate(() => process.exit(code));
  });
}

/** Resolves when everything written to the stream so far has been handed to the OS (or the stream is gone). */
function flushed(stream: NodeJS.WriteStream): Promise<void> {
  return new Promise((resolve) => {
    if (stream.destroyed || stream.writableEnded) { resolve(); return; }
    stream.write('', () => resolve());
  });
}
