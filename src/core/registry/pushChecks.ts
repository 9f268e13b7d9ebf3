// Checks made after planning and before anything is sent, the same for every kind of registry.
import { RegistryError } from './errors';
import { outsideLinksError } from './modelTree';
import type { PushPlan, PushRequest } from './types';

/**
 * Stops a push whose plan has links outside the model that were not allowed, or whose files are not the ones
 * the user confirmed (the model changed in between).
 */
export function checkSendable(plan: Pick<PushPlan, 'files' | 'links'>, req: Pick<PushRequest, 'expectedFiles'>): void {
  const refusal = outsideLinksError(plan.links);
  if (refusal) throw refusal;
  const expected = req.expectedFiles;
  if (!expected) return;
  const now = new Map(plan.files.map((f) => [f.filepath, f.sha256]));
  const then = new Map(expected.map((f) => [f.filepath, f.sha256]));
  const changed = [...new Set([...now.keys(), ...then.keys()])].filter((fp) => now.get(fp) !== then.get(fp)).sort();
  if (changed.length > 0) {
    throw new RegistryError('input', `The model changed after it was confirmed (${changed.slice(0, 5).join(', ')}${changed.length > 5 ? ` and ${changed.length - 5} more` : ''}); nothing was sent. Push again to confirm what it holds now.`);
  }
}
