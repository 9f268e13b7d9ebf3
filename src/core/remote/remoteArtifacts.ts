// A remote run's artifacts: listed a folder at a time with `GET artifacts/list` (run_id, path; paged when the
// server pages), and one fetched on demand through the server's artifact proxy
// (`GET api/2.0/mlflow-artifacts/artifacts/<experiment>/<run>/artifacts/<path>`) — only when the run's artifact
// root is `mlflow-artifacts:` (proxied by this server), so the request and its login go to the server's origin only.
// Artifacts stored elsewhere (s3://, gs://, a path on the server's disk) are listed but not fetched.
import { resolve, sep } from 'node:path';
import { RegistryError } from '../registry/errors';
import type { MlflowCall } from './serverReader';

export interface RemoteArtifact {
  /** Relative to the run's artifact root, `/`-separated, as the server reports it. */
  path: string;
  isDir: boolean;
  /** Bytes (files only, when the server says). */
  size?: number;
}

export interface ArtifactFolder {
  /** The run's artifact root (`mlflow-artifacts:/1/<run>/artifacts`, `s3://…`). */
  rootUri: string;
  files: RemoteArtifact[];
}

/** Pages of artifacts/list followed at most this far (a folder of millions is not browsed here). */
const MAX_LIST_PAGES = 100;

/** An artifact path as given: relative, `/`-separated, without `.`/`..` segments or control characters. */
export function checkArtifactPath(path: string): string {
  const p = path.replace(/^\/+|\/+$/g, '');
  if (p.split('/').some((s) => s === '..' || s === '.') || /[\u0000-\u001f\\]/.test(p)) {
    throw new RegistryError('input', `Artifact path "${p}" is not a path inside the run (no "..", "." or backslashes); pick it from the run's artifact list.`);
  }
  return p;
}

/** One folder of a run's artifacts ('' for the root). */
export async function listRemoteArtifacts(call: MlflowCall, runId: string, path = ''): Promise<ArtifactFolder> {
  const folder = checkArtifactPath(path);
  const files: RemoteArtifact[] = [];
  let rootUri = '';
  let token: string | undefined;
  let pages = 0;
  do {
    const page = await call<{ root_uri?: unknown; files?: unknown; next_page_token?: unknown }>('GET', 'artifacts/list', { run_id: runId, ...(folder ? { path: folder } : {}), ...(token ? { page_token: token } : {}) });
    if (typeof page.root_uri === 'string') rootUri = page.root_uri;
    for (const f of Array.isArray(page.files) ? page.files : []) {
      if (typeof f !== 'object' || f === null) continue;
      const { path: p, is_dir: dir, file_size: size } = f as { path?: unknown; is_dir?: unknown; file_size?: unknown };
      if (typeof p !== 'string' || p === '') continue;
      const entry: RemoteArtifact = { path: p, isDir: dir === true };
      const n = typeof size === 'number' ? size : typeof size === 'string' && /^\d+$/.test(size) ? Number(size) : undefined;
      if (!entry.isDir && n !== undefined) entry.size = n;
      files.push(entry);
    }
    token = typeof page.next_page_token === 'string' && page.next_page_token !== '' ? page.next_page_token : undefined;
  } while (token && ++pages < MAX_LIST_PAGES);
  files.sort((a, b) => Number(b.isDir) - Number(a.isDir) || (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { rootUri, files };
}

/**
 * The proxy path of one artifact (`<experiment>/<run>/artifacts/<path>`), or a clear error when the run's artifacts
 * are not served by this server (`mlflow-artifacts://<other host>/…` or another scheme).
 */
export function proxiedArtifactPath(server: string, rootUri: string, path: string): string {
  const m = /^mlflow-artifacts:(?:\/\/([^/]*))?\/(.*)$/.exec(rootUri);
  const host = m?.[1];
  if (!m || (host !== undefined && host !== '' && host !== new URL(server).host)) {
    throw new RegistryError('rejected', `The run's artifacts are stored at ${rootUri.replace(/\/\/[^@/]*@/, '//')}, not served by MLflow server ${server}; Trialbook fetches artifacts only through the server's artifact proxy (mlflow server --serve-artifacts).`);
  }
  const file = checkArtifactPath(path);
  if (file === '') throw new RegistryError('input', 'No artifact path given.');
  return `${(m[2] ?? '').replace(/\/+$/, '')}/${file}`;
}

/** The bytes of one artifact and what the listing said of it. */
export interface FetchedArtifact { entry: RemoteArtifact; bytes: Buffer }

/**
 * One artifact of a run, checked against its folder's listing first (it exists, is a file, fits `maxBytes`), then
 * fetched through this server's proxy with `get` (SyncApi.getArtifact: the server's origin and login only).
 */
export async function fetchRemoteArtifact(call: MlflowCall, get: (proxyPath: string, maxBytes: number) => Promise<Buffer>,
  server: string, runId: string, path: string, maxBytes: number): Promise<FetchedArtifact> {
  const file = checkArtifactPath(path);
  if (file === '') throw new RegistryError('input', 'No artifact path given.');
  const slash = file.lastIndexOf('/');
  const folder = await listRemoteArtifacts(call, runId, slash < 0 ? '' : file.slice(0, slash));
  const entry = folder.files.find((f) => f.path === file);
  if (!entry) throw new RegistryError('not-found', `The run has no artifact "${file}" on MLflow server ${server}; list its artifacts again (it may have been deleted).`, 404);
  if (entry.isDir) throw new RegistryError('input', `"${file}" is a folder of the run's artifacts, not a file; pick a file inside it.`);
  if (entry.size !== undefined && entry.size > maxBytes) {
    throw new RegistryError('input', `"${file}" is ${entry.size} bytes, more than the ${maxBytes} bytes Trialbook fetches into the editor; download it with the MLflow client (mlflow artifacts download).`);
  }
  return { entry, bytes: await get(proxiedArtifactPath(server, folder.rootUri, file), maxBytes) };
}

/**
 * Where an artifact of a mirrored remote run is kept to open it: `<trialbookDir>/remote/artifacts/<run>/<path>`.
 * The path was checked (no `.`/`..` segments), and the result is checked again to lie inside the run's folder.
 */
export function artifactCacheFile(trialbookDir: string, mirrorRunId: string, path: string): string {
  if (!/^[\w.-]{1,200}$/.test(mirrorRunId) || mirrorRunId.startsWith('.')) throw new RegistryError('input', `"${mirrorRunId}" is not a run id.`);
  const base = resolve(trialbookDir, 'remote', 'artifacts', mirrorRunId);
  const file = resolve(base, ...checkArtifactPath(path).split('/'));
  if (!file.startsWith(`${base}${sep}`)) throw new RegistryError('input', `Artifact path "${path}" is not a path inside the run.`);
  return file;
}
