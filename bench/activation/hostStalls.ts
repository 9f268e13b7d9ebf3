// The extension host's event loop watched from inside (the probe runs in the host): a timer due every millisecond
// that comes late by more than that shows a stretch in which nothing else could run (one long task, or several
// back to back): the editor's requests to every extension waited that long. With a CPU profile taken over the same
// stretch, each long stall is named by the functions that ran in it.
import { Session } from 'node:inspector';

export interface Stall {
  /** Since the watch began (ms), and how long the loop could not run anything else (ms). */
  atMs: number;
  ms: number;
  /** The functions with the most samples in the stall (name, file:line, ms), when a profile was taken. */
  top?: string[];
}

interface ProfileNode { id: number; callFrame: { functionName: string; url: string; lineNumber: number }; children?: number[] }
interface Profile { nodes: ProfileNode[]; startTime: number; samples: number[]; timeDeltas: number[] }

const TICK_MS = 1;
/** Stalls reported one by one (the longest is always reported). */
const REPORT_MS = 50;

/** Microseconds on the monotonic clock V8's profiler stamps its samples with. */
const nowUs = (): number => Number(process.hrtime.bigint() / 1000n);

export class StallWatch {
  private readonly startedUs = nowUs();
  private last = nowUs();
  private readonly timer: NodeJS.Timeout;
  private readonly stalls: Array<{ fromUs: number; toUs: number }> = [];
  private longestUs = 0;
  private session: Session | undefined;

  constructor(profile: boolean) {
    if (profile) {
      this.session = new Session();
      this.session.connect();
      this.post('Profiler.enable');
      this.post('Profiler.setSamplingInterval', { interval: 500 });
      this.post('Profiler.start');
    }
    this.timer = setInterval(() => {
      const t = nowUs();
      const late = t - this.last - TICK_MS * 1000;
      if (late > this.longestUs) this.longestUs = late;
      if (late > REPORT_MS * 1000) this.stalls.push({ fromUs: this.last + TICK_MS * 1000, toUs: t });
      this.last = t;
    }, TICK_MS);
  }

  private post(method: string, params?: object): Promise<unknown> {
    return new Promise((resolve, reject) => {
      this.session?.post(method, params ?? {}, (err, result) => (err ? reject(err) : resolve(result)));
    });
  }

  /** Stops watching: the longest stall (ms) and every stall over REPORT_MS, named from the profile when taken. */
  async stop(): Promise<{ longestMs: number; stalls: Stall[]; profile?: unknown }> {
    clearInterval(this.timer);
    let profile: Profile | undefined;
    if (this.session) {
      const result = await this.post('Profiler.stop') as { profile: Profile };
      profile = result.profile;
      this.session.disconnect();
    }
    const stalls = this.stalls.map((s) => {
      const stall: Stall = { atMs: (s.fromUs - this.startedUs) / 1000, ms: (s.toUs - s.fromUs) / 1000 };
      if (profile) stall.top = topFunctions(profile, s.fromUs, s.toUs);
      return stall;
    });
    return { longestMs: this.longestUs / 1000, stalls, ...(profile ? { profile } : {}) };
  }
}

/**
 * The functions with the most self time among the samples taken between two instants, each with the nearest
 * function of the extension's bundle it was called from (the code to look at).
 */
function topFunctions(profile: Profile, fromUs: number, toUs: number): string[] {
  const nodes = new Map(profile.nodes.map((n) => [n.id, n]));
  const parents = new Map<number, number>();
  for (const n of profile.nodes) for (const c of n.children ?? []) parents.set(c, n.id);
  const name = (f: ProfileNode['callFrame']): string => `${f.functionName || '(anonymous)'} ${f.url.split('/').slice(-2).join('/')}:${f.lineNumber + 1}`;
  const ours = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parents.get(at)) {
      const n = nodes.get(at);
      if (n && n.callFrame.url.includes('/dist/extension.js')) return name(n.callFrame);
    }
    return 'not from the extension';
  };
  const self = new Map<string, number>();
  let t = profile.startTime;
  for (let i = 0; i < profile.samples.length; i++) {
    const delta = profile.timeDeltas[i] ?? 0;
    t += delta;
    if (t < fromUs || t > toUs) continue;
    const node = nodes.get(profile.samples[i] ?? -1);
    if (!node) continue;
    const key = `${name(node.callFrame)} ← ${ours(node.id)}`;
    self.set(key, (self.get(key) ?? 0) + (profile.timeDeltas[i + 1] ?? delta));
  }
  return [...self].sort((a, b) => b[1] - a[1]).slice(0, 5).map(([k, us]) => `${k} ${(us / 1000).toFixed(0)} ms`);
}
