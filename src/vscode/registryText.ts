// Every text the registry commands show (quick picks, dialogs, notifications, progress titles), built without the
// editor API so it is tested in plain Node. Run-supplied text (run and artifact names, paths, notes and params in
// the lineage) and server-supplied text (registry errors, references) goes through inertText: VS Code would turn
// `[x](command:…)` into a live link and `$(name)` into an icon.
import type { Artifact, RunDetail } from '../core/model';
import type { RegistryConfig } from '../core/registry/registryConfig';
import type { PlannedLink, PushPlan, PushResult, VerifyResult } from '../core/registry/types';
import { errorMessage } from '../shared/errorMessage';
import { formatBytes } from '../shared/format';
import { inertText } from '../shared/untrustedText';

export interface Dialog {
  message: string;
  detail: string;
}

export function runPickItem(run: RunDetail): { label: string; description: string; id: string } {
  const models = run.artifacts.filter((a) => a.type === 'model').length;
  return { label: inertText(run.name), description: inertText(`${run.experiment} · ${models} model(s)`), id: run.id };
}

export function artifactPickItem(artifact: Artifact): { label: string; description: string; detail: string; name: string } {
  return { label: inertText(artifact.name), description: inertText(`${artifact.type} · ${formatBytes(artifact.size)}`), detail: inertText(artifact.path), name: artifact.name };
}

export function registryPickItem(config: RegistryConfig, description: string): { label: string; description: string; config: RegistryConfig } {
  return { label: inertText(config.name), description: inertText(description), config };
}

function linkLine(link: PlannedLink): string {
  const how = link.sentAs === 'link' ? 'kept as a link' : link.outside ? 'outside the model folder: a copy is sent' : 'a copy is sent';
  const size = link.size !== undefined ? `, ${formatBytes(link.size)}` : '';
  return `  ${link.filepath} → ${link.target} (${link.type}${size}; ${how})`;
}

/** The modal question before sending copies of what links outside the model point to. */
export function outsideLinksQuestion(modelName: string, links: readonly PlannedLink[]): Dialog {
  const outside = links.filter((l) => l.outside);
  return {
    message: inertText(`"${modelName}" has ${outside.length} link(s) pointing outside its folder. Send copies of what they point to?`),
    detail: inertText(`These files or folders are not part of the model folder; nothing is sent unless you agree:\n${outside.map(linkLine).join('\n')}\n\nThe next dialog lists everything the push sends.`),
  };
}

/** The modal confirmation: every file, every link and the lineage that travels with the model. */
export function pushConfirmation(plan: PushPlan, registryName: string): Dialog {
  const files = plan.files.map((f) => `  ${f.filepath}  ${formatBytes(f.size)}  sha256:${f.sha256.slice(0, 12)}…`).join('\n');
  const links = plan.links.length > 0 ? `\n\nLinks:\n${plan.links.map(linkLine).join('\n')}` : '';
  const lineage = Object.entries(plan.lineage).map(([k, v]) => `  ${k}: ${v.length > 120 ? `${v.slice(0, 117)}…` : v}`).join('\n');
  return {
    message: inertText(`Push ${plan.files.length} file(s), ${formatBytes(plan.totalBytes)}, to ${plan.destination}?`),
    detail: inertText(`Registry: ${registryName}\n\nFiles:\n${files}${links}\n\nLineage sent with the model:\n${lineage}`),
  };
}

export function readingTitle(modelName: string): string {
  return inertText(`Reading "${modelName}" for its digests`);
}

export function pushingTitle(modelName: string, destination: string): string {
  return inertText(`Pushing ${modelName} to ${destination}`);
}

export function progressMessage(done: number, total: number): string {
  const pct = total ? Math.floor((done / total) * 100) : 100;
  return `${formatBytes(done)} of ${formatBytes(total)} (${pct}%)`;
}

export function pushedMessage(modelName: string, plan: PushPlan, result: PushResult): string {
  return inertText(result.upToDate
    ? `Trialbook: ${plan.destination} is already up to date (no data uploaded).`
    : `Trialbook: pushed ${modelName} to ${result.record.reference} (${formatBytes(result.uploadedBytes)} uploaded).`);
}

export function verifyingTitle(modelName: string, reference: string): string {
  return inertText(`Verifying ${modelName} against ${reference}`);
}

export function verifiedMessage(result: VerifyResult): Dialog {
  if (result.matches) return { message: inertText(`Trialbook: ${result.reference} matches the local files (${result.files.length} file(s)).`), detail: '' };
  return {
    message: inertText(`Trialbook: ${result.reference} differs from the local model.`),
    detail: inertText(result.differences.map((d) => `${d.filepath}: ${d.problem}`).join('\n')),
  };
}

export function copiedMessage(reference: string): string {
  return inertText(`Copied ${reference}`);
}

/** An error to rethrow for the command's error notification, its text made inert (registry errors quote servers). */
export function inertError(err: unknown): Error {
  const out = new Error(inertText(errorMessage(err)));
  if (err instanceof Error && err.stack) out.stack = err.stack.replace(err.message, out.message);
  return out;
}
