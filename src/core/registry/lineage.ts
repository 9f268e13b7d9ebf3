// Lineage that travels with a pushed model: OCI annotations / MLflow tags built from the run, bounded in size.
import type { ParamValue, RunDetail } from '../model';
import type { ModelVersionLabel } from './types';

/** Largest annotation value for the JSON-valued keys (metrics, params). */
export const MAX_JSON_ANNOTATION = 4096;
export const MAX_TEXT_ANNOTATION = 4096;
const TRUNCATED_KEY = '…truncated';

/** Drops user:password@ from git remotes so a credential in a remote URL never leaves the machine. */
export function redactUrl(remote: string): string {
  return remote.replace(/^([a-z][a-z0-9+.-]*:\/\/)[^@/]+@/i, '$1');
}

/**
 * JSON object of `entries` (sorted by key) cut to at most `limit` bytes, with a count of what was left out. Keys are
 * names from runs (`__proto__` among them): the object is built with own properties only, never by assignment.
 */
export function boundedJson(entries: Record<string, unknown>, limit = MAX_JSON_ANNOTATION): string {
  const all = Object.entries(entries).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
  const json = (count: number, omitted: number): string =>
    JSON.stringify(Object.fromEntries(omitted > 0 ? [...all.slice(0, count), [TRUNCATED_KEY, omitted]] : all.slice(0, count)));
  for (let i = 0; i < all.length; i++) {
    if (Buffer.byteLength(json(i + 1, all.length - i - 1)) > limit) return json(i, all.length - i);
  }
  return json(all.length, 0);
}

export function boundedText(text: string, limit = MAX_TEXT_ANNOTATION): string {
  if (Buffer.byteLength(text) <= limit) return text;
  let cut = text.slice(0, limit);
  while (Buffer.byteLength(cut) > limit - 20) cut = cut.slice(0, -16);
  return `${cut}… [truncated]`;
}

/** When the model was made: the run's end (or its last event), so re-pushes give the same manifest. */
export function createdAt(run: RunDetail): string {
  return new Date(run.endedAt ?? run.lastEventAt ?? run.startedAt).toISOString();
}

export interface LineageOptions {
  version: string;
  description?: string;
  artifactName: string;
  modelVersion?: ModelVersionLabel;
}

/** Manifest annotations (also shown in the confirmation dialog and used as MLflow tags). */
export function lineageAnnotations(run: RunDetail, opts: LineageOptions): Record<string, string> {
  const a: Record<string, string> = {};
  a['org.opencontainers.image.created'] = createdAt(run);
  a['org.opencontainers.image.title'] = opts.artifactName;
  a['org.opencontainers.image.version'] = opts.version;
  const git = run.lineage.git;
  if (git?.commit) a['org.opencontainers.image.revision'] = git.commit;
  if (git?.remote) a['org.opencontainers.image.source'] = redactUrl(git.remote);
  const description = opts.description ?? (run.notes.trim() || undefined);
  if (description) a['org.opencontainers.image.description'] = boundedText(description);
  const author = run.lineage.user ?? run.user;
  if (author) a['org.opencontainers.image.authors'] = author;
  a['dev.trialbook.run.id'] = run.id;
  a['dev.trialbook.run.name'] = run.name;
  a['dev.trialbook.experiment'] = run.experiment;
  a['dev.trialbook.artifact'] = opts.artifactName;
  if (git?.branch) a['dev.trialbook.git.branch'] = git.branch;
  if (git?.dirty !== undefined) a['dev.trialbook.git.dirty'] = String(git.dirty);
  a['dev.trialbook.metrics'] = boundedJson(Object.fromEntries(Object.entries(run.metrics).map(([key, m]) => [key, m.last])));
  a['dev.trialbook.params'] = boundedJson(run.params as Record<string, ParamValue>);
  const mv = opts.modelVersion;
  if (mv) {
    a['dev.trialbook.model.name'] = mv.model;
    a['dev.trialbook.model.version'] = String(mv.version);
    a['dev.trialbook.model.stage'] = mv.stage;
    a['dev.trialbook.model.reason'] = boundedText(mv.reason);
  }
  return a;
}
