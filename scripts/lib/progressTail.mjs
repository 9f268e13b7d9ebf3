// Follows the JSON-lines progress file the in-host test entry appends to, so each test's result
// is printed as it happens (and a suite that hangs still shows how far it got).
import { existsSync, readFileSync } from 'node:fs';

export class ProgressTail {
  /** @param {string} file @param {(event: Record<string, unknown>) => void} onEvent */
  constructor(file, onEvent) {
    this.file = file;
    this.onEvent = onEvent;
    this.offset = 0;
    this.timer = setInterval(() => this.flush(), 250);
  }

  flush() {
    if (!existsSync(this.file)) return;
    const text = readFileSync(this.file, 'utf8');
    const end = text.lastIndexOf('\n') + 1; // only whole lines
    for (const line of text.slice(this.offset, end).split('\n')) {
      if (!line.trim()) continue;
      try {
        this.onEvent(JSON.parse(line));
      } catch {
        // a garbled progress line only costs a progress message; the result file is the verdict
      }
    }
    this.offset = end;
  }

  stop() {
    clearInterval(this.timer);
  }
}
