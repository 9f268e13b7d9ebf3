// One transition in words, the same in the Models view, the CLI and the model report.
import type { LogEntry } from './transitionLog';

/** `promote candidate → staging`, `retrain (replaces v2) as candidate because of the alert on line 7`, `push to oci://…`. */
export function describeTransition(e: LogEntry): string {
  const action = describeAction(e);
  return e.becauseOfAlert === undefined ? action : `${action} because of the alert on line ${e.becauseOfAlert}`;
}

function describeAction(e: LogEntry): string {
  switch (e.action) {
    case 'register': return `register as ${e.stage ?? 'candidate'}`;
    case 'retrain': return `retrain${e.replaces !== undefined ? ` (replaces v${e.replaces})` : ''} as ${e.stage ?? 'candidate'}`;
    case 'push': return `push to ${e.registry ?? '?'}`;
    case 'correct': return `correct the reason of line ${String(e.corrects)}`;
    case 'alert': return `alert from monitoring (batch ${String(e.alert?.batch)} of run ${e.alert?.run ?? '?'})`;
    default: return `${e.action} ${e.from ?? '?'} → ${e.stage ?? '?'}`;
  }
}
