// Artifacts synced out (optional: a size limit, 0 = off). The files of each run's `artifact` events are uploaded
// through the server's artifact proxy under the MLflow run's artifact root, as `<artifact name>/<file>` (a file
// logged under its own name: `<name>`, as MLflow's log_artifact puts it). A folder is
// walked by the push rule (modelTree.ts): a link resolving inside the folder is sent as a copy of what it points
// to, a link resolving outside it is not sent (the run gets a tag saying so). A file over the limit is not sent
// either (tagged). Each file is sent once: after the server acknowledged it, its (path, SHA-256) goes into the
// sync state, so a restart sends only what is not there yet; a PUT to the same path replaces the file, so a file
// sent again after a lost answer changes nothing on the server.
import { statSync } from 'node:fs';
import * as path from 'node:path';
import { parseEventLine } from '../eventValidation';
import { readAppendedLines } from '../logTail';
import { fileDigest } from '../registry/blobSource';
import { RegistryError } from '../registry/errors';
import { scanModel } from '../registry/modelTree';
import { openModelFile } from '../registry/tarLayer';
import { proxiedArtifactPath } from '../remote/remoteArtifacts';
import { mlflowKeyFor } from './mlflowNames';
import { artifactRef, type ArtifactRef } from './runFacts';
import { TooLargeError, type SyncApi } from './syncApi';
import type { RunSyncState, SyncStateStore } from './syncState';

export interface ArtifactContext {
  api: SyncApi;
  store: SyncStateStore;
  /** Largest file sent, in bytes; 0 turns artifact sync off. */
  artifactMaxBytes: number;
  /** The folder that holds `.trialbook/`: relative artifact paths are relative to it (docs/event-format.md). */
  workspace: string;
  warn: (message: string) => void;
  /** Sets tags on the MLflow run (only those not already sent), recording them in the state. */
  setTags: (tags: Map<string, string>) => Promise<void>;
}

export interface ArtifactPass {
  files: number;
  bytes: number;
}

const LIMIT_HINT = 'trialbook.sync.artifactMaxBytes, or --artifact-max-bytes';

/** The artifact events in the log before the cursor, for a state written before artifacts were synced. */
function artifactsBefore(file: string, offset: number): Map<string, ArtifactRef> {
  const out = new Map<string, ArtifactRef>();
  if (offset <= 0) return out;
  readAppendedLines(file, 0, 0, (line) => {
    if (!('text' in line) || !line.text.includes('"artifact"')) return;
    const e = parseEventLine(line.text);
    if (!('invalid' in e) && e.t === 'artifact') out.set(e.artifact.name, artifactRef(e.artifact));
  }, { endOffset: offset });
  return out;
}

/** An artifact's name as a folder under the run's root: `/`-separated, no empty, `.` or `..` segments, no backslash or control characters. */
export function artifactFolder(name: string): string {
  const segments = name.replace(/[\u0000-\u001f\\]/g, '_').split('/').filter((s) => s !== '').map((s) => (s === '.' ? '_' : s === '..' ? '__' : s));
  return segments.length > 0 ? segments.join('/') : '_';
}

function doneKeys(a: ArtifactRef, maxBytes: number): [string, string] {
  return [`${a.name}@${a.sha256}`, `${a.name}@${a.sha256}@${maxBytes}`];
}

/** The MLflow run's artifact root, from the state or asked once with runs/get. */
async function artifactRoot(ctx: ArtifactContext, state: RunSyncState, runId: string): Promise<string> {
  if (state.artifactRoot) return state.artifactRoot;
  const got = await ctx.api.call<{ run: { info: { artifact_uri?: string } } }>('GET', 'runs/get', { run_id: runId });
  state.artifactRoot = got.run.info.artifact_uri ?? '';
  return state.artifactRoot;
}

/**
 * Sends the files of the run's artifacts not on the server yet (nothing when the limit is 0). The state is saved
 * after every file the server acknowledged.
 */
export async function syncArtifacts(ctx: ArtifactContext, state: RunSyncState, logFile: string): Promise<ArtifactPass> {
  const pass: ArtifactPass = { files: 0, bytes: 0 };
  const max = ctx.artifactMaxBytes;
  const runId = state.mlflowRunId;
  if (!(max > 0) || !runId) return pass;
  state.facts.artifacts ??= artifactsBefore(logFile, state.cursor.offset);
  const pending = [...state.facts.artifacts.values()].filter((a) => !doneKeys(a, max).some((k) => state.sent.artifactsDone.includes(k)));
  if (pending.length === 0) return pass;
  const root = await artifactRoot(ctx, state, runId);
  try {
    proxiedArtifactPath(ctx.api.trackingUri, root, '_');
  } catch (err) {
    // Not stored through this server's proxy (mlflow server --no-serve-artifacts, or another store): nothing to send to.
    const message = err instanceof RegistryError ? err.message : String(err);
    ctx.warn(`Artifacts of run ${state.runId} are not sent: ${message}`);
    await ctx.setTags(new Map([['trialbook.artifacts_not_sent', message]]));
    return pass;
  }
  for (const a of pending) {
    // The tags of an event are on the server before it is marked done: a sync stopped in between sets them again.
    const tags = new Map<string, string>();
    const folder = artifactFolder(a.name);
    const local = path.resolve(ctx.workspace, a.path);
    let heldBack = false;
    let scan;
    try {
      scan = await scanModel(local, { keepLinks: false });
    } catch (err) {
      if (!(err instanceof RegistryError) || err.code !== 'input') throw err;
      // Gone since it was logged, empty, or holding a dangling or looping link: nothing of it can be sent as it is.
      await ctx.setTags(new Map([[`trialbook.artifact_not_sent.${folder}`, `not sent: ${err.message}`]]));
      state.sent.artifactsDone.push(doneKeys(a, max)[0]);
      ctx.store.save(state);
      continue;
    }
    for (const link of scan.links) {
      if (link.sentAs !== 'not-sent') continue;
      const name = `${folder}/${link.filepath}`;
      tags.set(`trialbook.artifact_not_sent.${name}`, 'a symbolic link to outside the artifact folder: not sent');
      ctx.warn(`Run ${state.runId}: artifact file ${name} is a symbolic link to outside the artifact folder; it was not sent.`);
    }
    // A single file logged under its own name (the SDK's default) goes to `<name>`, not `<name>/<name>`.
    const single = scan.parts.length === 1 && scan.parts[0]?.dir === false && statSync(local).isFile();
    for (const e of scan.parts.flatMap((p) => p.entries)) {
      if (e.type !== 'file') continue;
      const name = single && e.name === folder ? folder : `${folder}/${e.name}`;
      if (e.size > max) {
        tags.set(`trialbook.artifact_not_sent.${name}`, `${e.size} bytes, over the sync's limit of ${max} bytes (${LIMIT_HINT})`);
        heldBack = true;
        continue;
      }
      const { sha256, size } = await fileDigest(e.abs);
      if (state.sent.artifacts.get(name) === sha256) continue;
      const remote = proxiedArtifactPath(ctx.api.trackingUri, root, name);
      try {
        await ctx.api.putArtifact(remote, size, () => openModelFile(e.abs));
      } catch (err) {
        if (!(err instanceof TooLargeError)) throw err;
        tags.set(`trialbook.artifact_not_sent.${name}`, `${size} bytes, refused by the server as too large (HTTP 413)`);
        heldBack = true;
        continue;
      }
      state.sent.artifacts.set(name, sha256);
      // A file held back by an earlier sync (a lower limit, a 413) has a tag saying so: MLflow tags are only
      // overwritten by a sync (runs/delete-tag is left alone), so the tag now says it was sent after all.
      if (state.sent.tags.has(mlflowKeyFor(`trialbook.artifact_not_sent.${name}`))) tags.set(`trialbook.artifact_not_sent.${name}`, `sent after all (${size} bytes), by a later sync`);
      pass.files++;
      pass.bytes += size;
      ctx.store.save(state);
    }
    if (tags.size > 0) await ctx.setTags(tags);
    // Held back files are looked at again only when the limit changes.
    state.sent.artifactsDone.push(doneKeys(a, max)[heldBack ? 1 : 0]);
    ctx.store.save(state);
  }
  return pass;
}

const UNITS: Record<string, number> = { '': 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 };

/** A size as users write it: bytes, or a number with K, M or G (binary: 1M = 1,048,576 bytes; KB/KiB alike). 0 = off. */
export function parseByteSize(text: string): number {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([kmg]?)(?:i?b)?\s*$/i.exec(text);
  if (!m) throw new RegistryError('input', `"${text}" is not a size: write bytes (e.g. 52428800) or a number with K, M or G (e.g. 50M); 0 turns artifact sync off.`);
  const bytes = Math.floor(Number(m[1]) * (UNITS[(m[2] ?? '').toLowerCase()] ?? 1));
  if (!Number.isSafeInteger(bytes)) throw new RegistryError('input', `"${text}" is too large a size.`);
  return bytes;
}
