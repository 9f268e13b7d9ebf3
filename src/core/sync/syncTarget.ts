// Sync destinations as written by users: `mlflow+https://host[:port][/path]/` or `mlflow+http://…` (plain HTTP,
// e.g. a server on this machine), with an optional experiment prefix (`team/`) put before each experiment's name.
import { RegistryError } from '../registry/errors';
import { checkHostPort } from '../registry/target';

export interface SyncTarget {
  /** The tracking server's base address, e.g. `https://mlflow.example.com/ml` (no trailing slash). */
  trackingUri: string;
  experimentPrefix: string;
}

const FORM = 'Write it as mlflow+https://<host[:port]>[/path]/ (or mlflow+http:// for plain HTTP, e.g. mlflow+http://127.0.0.1:5000/).';

export function parseSyncTarget(text: string, experimentPrefix = ''): SyncTarget {
  const m = /^mlflow(?:\+(https?))?:\/\/([^/?#]*)(\/[^?#]*)?$/.exec(text.trim());
  if (!m) throw new RegistryError('input', `"${text.includes('@') ? '(an address with credentials)' : text}" is not an MLflow server address. ${FORM}`);
  const hostPort = m[2] ?? '';
  if (hostPort.includes('@')) throw new RegistryError('input', 'Put MLflow credentials in MLFLOW_TRACKING_USERNAME/MLFLOW_TRACKING_PASSWORD or MLFLOW_TRACKING_TOKEN (in VS Code: Trialbook: Set Sync Credentials), not in the address.');
  if (hostPort === '') throw new RegistryError('input', `"${text}" names no server. ${FORM}`);
  checkHostPort(hostPort, 'MLflow server');
  const path = (m[3] ?? '').replace(/\/+$/, '');
  const trackingUri = `${m[1] ?? 'https'}://${hostPort}${path}`;
  try { new URL(trackingUri); } catch { throw new RegistryError('input', `"${text}" does not make a valid server address. ${FORM}`); }
  if (experimentPrefix.length > 200) throw new RegistryError('input', 'The experiment prefix is longer than 200 characters; MLflow experiment names should stay short.');
  return { trackingUri, experimentPrefix };
}
