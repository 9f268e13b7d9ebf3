// Drives indexChild.js in a child process for the multi-process tests.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';

export class IndexChild {
  private readonly proc: ChildProcessWithoutNullStreams;
  private buffer = '';
  private waiters: Array<(msg: Record<string, unknown>) => void> = [];
  private queue: Array<Record<string, unknown>> = [];
  readonly exited: Promise<number | null>;

  constructor(trialbookDir: string) {
    this.proc = spawn(process.execPath, [join(__dirname, 'indexChild.js'), trialbookDir]);
    this.proc.stdout.setEncoding('utf8');
    this.proc.stdout.on('data', (d: string) => {
      this.buffer += d;
      let nl: number;
      while ((nl = this.buffer.indexOf('\n')) >= 0) {
        const msg = JSON.parse(this.buffer.slice(0, nl)) as Record<string, unknown>;
        this.buffer = this.buffer.slice(nl + 1);
        const w = this.waiters.shift();
        if (w) w(msg); else this.queue.push(msg);
      }
    });
    this.exited = new Promise((res) => this.proc.on('exit', (code) => res(code)));
  }

  get pid(): number { return this.proc.pid as number; }

  next(): Promise<Record<string, unknown>> {
    const queued = this.queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((res, rej) => {
      const timer = setTimeout(() => rej(new Error('child did not answer within 30 s')), 30_000);
      this.waiters.push((m) => { clearTimeout(timer); res(m); });
    });
  }

  send(line: string): void {
    this.proc.stdin.write(`${line}\n`);
  }

  kill(): Promise<number | null> {
    this.proc.kill('SIGKILL');
    return this.exited;
  }
}
