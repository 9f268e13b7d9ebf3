// Errors a push can end with: each names the registry and says what to do, and never carries secrets.
import { errorMessage } from '../../shared/errorMessage';

export type RegistryErrorCode =
  | 'auth'          // credentials missing or rejected
  | 'denied'        // authenticated but not allowed
  | 'not-found'     // host, repository, model or run not found
  | 'unreachable'   // DNS failure, refused connection, timeout
  | 'protocol'      // the server answered something that is not the registry API
  | 'server'        // 5xx after retries
  | 'rejected'      // 4xx: the server refused the request (bad name, invalid manifest, limits)
  | 'cancelled'
  | 'input'         // bad local input (missing file, bad target)
  | 'usage';        // the request names a run or model that is not there, or an invalid option (the CLI's exit code 2)

export class RegistryError extends Error {
  override readonly name = 'RegistryError';
  constructor(
    readonly code: RegistryErrorCode,
    message: string,
    /** HTTP status when the error came from a response. */
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Node socket error codes worth retrying while a push is under way (server restart, dropped link). */
const TRANSIENT_CODES = new Set(['ECONNRESET', 'EPIPE', 'ECONNREFUSED', 'ETIMEDOUT', 'ECONNABORTED', 'EAI_AGAIN', 'UND_ERR_SOCKET']);

export function socketErrorCode(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

/** A streamed upload hit an expired token; the token was renewed and the upload resumes from the registry's offset. */
export class TokenRenewed extends Error {
  override readonly name = 'TokenRenewed';
}

export function isTransient(err: unknown): boolean {
  if (err instanceof TokenRenewed) return true;
  if (err instanceof RegistryError) return err.code === 'server';
  const code = socketErrorCode(err);
  if (code !== undefined) return TRANSIENT_CODES.has(code);
  return err instanceof Error && /socket hang up|aborted/i.test(err.message) && !(err.name === 'AbortError');
}

/**
 * Turns a socket-level failure into a message that names the server and what to do.
 * `subject` starts the message, e.g. `Registry ghcr.io` or `MLflow server https://mlflow.example.com`.
 */
export function describeNetworkError(err: unknown, subject: string): RegistryError {
  if (err instanceof RegistryError) return err;
  const code = socketErrorCode(err);
  switch (code) {
    case 'ENOTFOUND':
    case 'EAI_AGAIN':
      return new RegistryError('unreachable', `${subject}: host not found. Check the address for typos and that this machine's DNS can resolve it.`);
    case 'ECONNREFUSED':
      return new RegistryError('unreachable', `${subject}: connection refused. Check the port and that the server is running.`);
    case 'ETIMEDOUT':
      return new RegistryError('unreachable', `${subject}: connection timed out. Check the address, a proxy or a firewall between here and the registry.`);
    case 'ECONNRESET':
    case 'EPIPE':
      return new RegistryError('unreachable', `${subject}: the connection was dropped repeatedly. Check that the server is up and try again; blobs already stored are not sent again.`);
    case 'EPROTO':
    case 'ERR_SSL_WRONG_VERSION_NUMBER':
      return new RegistryError('protocol', `${subject}: TLS handshake failed (${code}). If the server only speaks plain HTTP, mark it insecure (--insecure for OCI, mlflow+http:// for MLflow).`);
    case 'DEPTH_ZERO_SELF_SIGNED_CERT':
    case 'SELF_SIGNED_CERT_IN_CHAIN':
    case 'UNABLE_TO_VERIFY_LEAF_SIGNATURE':
    case 'CERT_HAS_EXPIRED':
      return new RegistryError('protocol', `${subject}: its TLS certificate is not trusted (${code}). Add its CA to NODE_EXTRA_CA_CERTS, or fix the certificate.`);
    default: {
      const detail = errorMessage(err);
      return new RegistryError('unreachable', `${subject}: network error (${code ?? detail}). Check the connection and try again.`);
    }
  }
}

export function cancelledError(registry: string): RegistryError {
  return new RegistryError('cancelled', `Push to ${registry} cancelled; nothing was recorded and no manifest was written.`);
}
