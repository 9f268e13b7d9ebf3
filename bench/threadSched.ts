import { readFileSync } from 'node:fs';

/**
 * The main thread's time on a core and waiting in the run queue (ns), from the kernel's schedstat (Linux); zeros
 * elsewhere. A gap in the event loop with little time on a core was the machine's other load, not this thread's work.
 */
export function mainThreadSched(): { cpuNs: number; waitNs: number } {
  try {
    const [cpu, wait] = readFileSync(`/proc/self/task/${process.pid}/schedstat`, 'utf8').split(' ').map(Number);
    return { cpuNs: cpu ?? 0, waitNs: wait ?? 0 };
  } catch {
    return { cpuNs: 0, waitNs: 0 };
  }
}
