// What the registry commands show in quick picks, dialogs, notifications and the status bar: run-supplied and
// server-supplied text never becomes a command link or an icon there.
import * as assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { PushPlan, PushResult, VerifyResult } from '../../src/core/registry/types';
import {
  artifactPickItem, copiedMessage, inertError, outsideLinksQuestion, progressMessage, pushConfirmation, pushedMessage, pushingTitle,
  readingTitle, registryPickItem, runPickItem, verifiedMessage, verifyingTitle,
} from '../../src/vscode/registryText';
import { sampleRun } from './fixtures';

const LINK = '[Open](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%20-rf%20~%5Cn%22%7D)';
const ICON = '$(alert)';
const EVIL = `${LINK} ${ICON}`;

/** Every string in a value (objects and arrays walked). */
function strings(value: unknown): string[] {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value)) return value.flatMap(strings);
  if (value && typeof value === 'object') return Object.values(value).flatMap(strings);
  return [];
}

function assertInert(what: string, value: unknown): void {
  const texts = strings(value);
  assert.ok(texts.some((t) => t.includes('Open')), `${what}: the text is still shown: ${JSON.stringify(texts)}`);
  for (const t of texts) {
    assert.doesNotMatch(t, /\]\(command:/, `${what}: no command link in ${JSON.stringify(t)}`);
    assert.doesNotMatch(t, /\$\(/, `${what}: no icon syntax in ${JSON.stringify(t)}`);
  }
}

describe('registry command texts', () => {
  const run = sampleRun({ name: EVIL, experiment: EVIL, notes: EVIL, params: { [EVIL]: EVIL }, artifacts: [{ name: EVIL, path: `models/${EVIL}`, type: 'model', size: 2048, sha256: 'a'.repeat(64) }] });
  const plan: PushPlan = {
    target: { kind: 'oci', registry: 'ghcr.io', repository: 'team/m', tag: '1', insecure: false },
    destination: `ghcr.io/team/m:1 ${EVIL}`,
    files: [{ filepath: EVIL, source: `/models/${EVIL}`, size: 10, sha256: 'b'.repeat(64), mediaType: 'x' }],
    totalBytes: 10,
    lineage: { 'dev.trialbook.run.name': EVIL, [EVIL]: 'x' },
    links: [{ filepath: EVIL, target: `/etc/${EVIL}`, outside: true, type: 'file', size: 5, sentAs: 'not-sent' }],
  };
  const result: PushResult = { record: { runId: run.id, artifact: EVIL, registry: 'oci://ghcr.io/team/m', reference: `ghcr.io/team/m:1@sha256:${EVIL}`, at: 1 }, uploadedBytes: 10, upToDate: false };
  const verify: VerifyResult = { reference: `ghcr.io/team/m:1 ${EVIL}`, manifestDigest: 'sha256:c', matches: false, differences: [{ filepath: EVIL, problem: 'missing-remote' }], files: [] };

  it('makes every run-supplied and server-supplied text inert', () => {
    const artifact = run.artifacts[0];
    assert.ok(artifact);
    assertInert('run pick', runPickItem(run));
    assertInert('artifact pick', { ...artifactPickItem(artifact), name: 'Open' });
    assertInert('registry pick', { ...registryPickItem({ name: EVIL, kind: 'oci', registry: 'ghcr.io', repository: 'team/m' }, EVIL), config: undefined });
    assertInert('outside links question', outsideLinksQuestion(EVIL, plan.links));
    assertInert('confirmation', pushConfirmation(plan, EVIL));
    assertInert('reading title', readingTitle(EVIL));
    assertInert('pushing title', pushingTitle(EVIL, EVIL));
    assertInert('pushed', pushedMessage(EVIL, plan, result));
    assertInert('up to date', pushedMessage(EVIL, plan, { ...result, upToDate: true }));
    assertInert('verifying title', verifyingTitle(EVIL, EVIL));
    assertInert('verify differs', verifiedMessage(verify));
    assertInert('verify matches', verifiedMessage({ ...verify, matches: true }).message);
    assertInert('copied', copiedMessage(EVIL));
    assertInert('error', inertError(new Error(`Registry said: ${EVIL}`)).message);
  });

  it('keeps the artifact name itself for the push, and says sizes in binary units', () => {
    const artifact = run.artifacts[0];
    assert.ok(artifact);
    assert.equal(artifactPickItem(artifact).name, EVIL, 'the pick carries the real name to look up');
    assert.equal(progressMessage(1536, 3072), '1.5 KiB of 3.0 KiB (50%)');
    const confirmation = pushConfirmation(plan, 'team');
    assert.match(confirmation.detail, /Links:\n {2}\[Open\]\u200b\(command:.* → \/etc\/.*outside the model folder/);
  });
});
