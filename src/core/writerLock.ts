// Single writer per database: `trialbook.db.lock` holds {pid, host, heartbeat, token}. The holder refreshes the
// heartbeat; a lock without refresh for STALE_MS, or whose pid is dead on this host, may be taken over.
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import * as fs from 'node:fs';

export const HEARTBEAT_MS = 5000;
export const STALE_MS = 15000;

interface LockContent { pid: number; host: string; heartbeat: number; token: string }

function readLock(file: string): LockContent | undefined {
  try {
    const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Partial<LockContent>;
    if (typeof parsed.pid !== 'number' || typeof parsed.host !== 'string' || typeof parsed.heartbeat !== 'number' || typeof parsed.token !== 'string') return undefined;
    return parsed as LockContent;
  } catch {
    return undefined;
  }
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

export function lockIsStale(content: LockContent | undefined, now: number): boolean {
  if (!content) return true;
  if (now - content.heartbeat > STALE_MS) return true;
  return content.host === hostname() && content.pid !== process.pid && !pidAlive(content.pid);
}

export class WriterLock {
  private readonly token = randomBytes(8).toString('hex');
  private timer: NodeJS.Timeout | undefined;
  private held = false;

  constructor(private readonly file: string, private readonly onLost: () => void) {}

  get isHeld(): boolean { return this.held; }

  private content(): string {
    return JSON.stringify({ pid: process.pid, host: hostname(), heartbeat: Date.now(), token: this.token });
  }

  /** Takes the lock if it is free or stale; true when this process now holds it. */
  tryAcquire(): boolean {
    if (this.held) return true;
    const tmp = `${this.file}.${process.pid}-${this.token}`;
    fs.writeFileSync(tmp, this.content());
    try {
      for (let attempt = 0; attempt < 2; attempt++) {
        try {
          // link() fails when the lock exists: creation is atomic, and the lock never appears half written.
          fs.linkSync(tmp, this.file);
          break;
        } catch (err) {
          if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
          if (attempt > 0 || !lockIsStale(readLock(this.file), Date.now())) return false;
          try { fs.unlinkSync(this.file); } catch { /* someone else removed it first */ }
        }
      }
    } finally {
      try { fs.unlinkSync(tmp); } catch { /* already gone */ }
    }
    // Two takers of a stale lock can both get here; the file says who won.
    if (readLock(this.file)?.token !== this.token) return false;
    this.held = true;
    this.timer = setInterval(() => this.refresh(), HEARTBEAT_MS);
    this.timer.unref();
    return true;
  }

  private refresh(): void {
    if (readLock(this.file)?.token !== this.token) {
      this.stopHolding();
      this.onLost();
      return;
    }
    const tmp = `${this.file}.${process.pid}-${this.token}`;
    try {
      fs.writeFileSync(tmp, this.content());
      fs.renameSync(tmp, this.file);
    } catch { /* next beat retries */ }
  }

  private stopHolding(): void {
    this.held = false;
    if (this.timer) clearInterval(this.timer);
    this.timer = undefined;
  }

  release(): void {
    if (!this.held) return;
    this.stopHolding();
    if (readLock(this.file)?.token === this.token) {
      try { fs.unlinkSync(this.file); } catch { /* already gone */ }
    }
  }
}
