// MLflow tracking servers to browse, as users write them: `https://host[:port][/path]` (or `http://` for a server on
// this machine or a trusted network), or the sync form `mlflow+https://…`. The address is the server's identity:
// its cached runs, its stored login (sent to this origin only) and its run folders are keyed by it.
import { RegistryError } from '../registry/errors';
import { parseSyncTarget } from '../sync/syncTarget';

/** The tracking server's base address without a trailing slash, e.g. `https://mlflow.example.com/ml`. */
export function parseServerAddress(text: string): string {
  const trimmed = text.trim();
  if (trimmed === '') throw new RegistryError('input', 'No MLflow server address given. Write it as https://<host[:port]>[/path] (or http:// for plain HTTP).');
  const form = /^https?:\/\//i.test(trimmed) ? `mlflow+${trimmed.replace(/^(https?):/i, (_, s: string) => `${s.toLowerCase()}:`)}` : trimmed;
  try {
    return parseSyncTarget(form).trackingUri;
  } catch (err) {
    if (err instanceof RegistryError) throw new RegistryError('input', err.message.replace('mlflow+https://<host[:port]>[/path]/ (or mlflow+http://', 'https://<host[:port]>[/path] (or http://').replace('(in VS Code: Trialbook: Set Sync Credentials)', '(in VS Code: Trialbook: Set MLflow Server Credentials…)'));
    throw err;
  }
}

/** `host:port` of an address, for labels (the tag that marks remote runs, status texts). */
export function serverLabel(trackingUri: string): string {
  try {
    const u = new URL(trackingUri);
    return `${u.host}${u.pathname === '/' ? '' : u.pathname}`;
  } catch {
    return trackingUri;
  }
}
