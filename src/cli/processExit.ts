// How the CLI process ends. Left to end on its own, Node 20 can hang: when the event loop runs dry, the main thread
// waits in NodePlatform::DrainTasks for every V8 background task, and a compile task that waits for the main
// thread in turn never finishes (nodejs/node#54918). So the CLI never lets the loop run dry: once its output is
// handed to the OS it calls process.exit() from a callback, while a timer still holds the loop open.

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
