// Contract of a push: what the caller (VS Code command or CLI) hands in and gets back.
import type { PushRecord, RunDetail } from '../model';

/** How to authenticate; secrets live only in this object and never reach logs, errors or records. */
export type Credentials =
  | { kind: 'anonymous' }
  | { kind: 'basic'; username: string; password: string }
  | { kind: 'token'; token: string };

export interface OciTarget {
  kind: 'oci';
  /** `host` or `host:port`, as written in references. */
  registry: string;
  repository: string;
  tag: string;
  /** Plain HTTP allowed for a non-loopback host (loopback is always allowed). */
  insecure: boolean;
}

export interface MlflowTarget {
  kind: 'mlflow';
  /** Tracking server base URL, e.g. `https://mlflow.example.com` (no trailing slash). */
  trackingUri: string;
  modelName: string;
  /** Experiment the mirrored run goes to; defaults to the Trialbook run's experiment. */
  experiment?: string;
}

export type PushTarget = OciTarget | MlflowTarget;

/** The registered model version a push ships (docs/model-lifecycle.md): it travels as annotations (OCI) / tags (MLflow). */
export interface ModelVersionLabel {
  model: string;
  version: number;
  stage: string;
  /** The latest reason recorded for the version (the push's own). */
  reason: string;
}

export interface PushRequest {
  run: RunDetail;
  /** Absolute path of the model: a file or a folder. */
  modelPath: string;
  /** Artifact name recorded with the push (the run's artifact name, or the file name). */
  artifactName: string;
  target: PushTarget;
  credentials: Credentials;
  /** Second tag (OCI) or alias (MLflow), e.g. `staging`. */
  alias?: string;
  description?: string;
  /** Who pushes, recorded with the push. */
  user?: string;
  /** The registered version this push ships, when it is one. */
  modelVersion?: ModelVersionLabel;
  /** Every logged point of a metric, for registries that keep metric history (MLflow). */
  history?: MetricHistorySource;
  /**
   * Send copies of what symbolic links pointing outside the model folder resolve to. Without it a push of a model
   * with such a link stops before sending anything (the plan lists them).
   */
  followOutsideLinks?: boolean;
  /**
   * The files (paths and digests) the user confirmed: the push stops if the model no longer gives exactly these
   * (it changed between the confirmation and the push).
   */
  expectedFiles?: ReadonlyArray<Pick<PlannedFile, 'filepath' | 'sha256'>>;
}

/** Every logged point of one metric, in log order: steps, wall times (epoch ms) and values. */
export interface MetricHistory {
  steps: ArrayLike<number>;
  times: ArrayLike<number>;
  values: ArrayLike<number>;
}

/** The history of a run's metric by its Trialbook key (undefined when the index has none). */
export type MetricHistorySource = (key: string) => MetricHistory | undefined;

export interface PushLog {
  info(message: string): void;
  warn(message: string): void;
}

export interface PushHooks {
  onProgress?: (done: number, total: number) => void;
  signal?: AbortSignal;
  log?: PushLog;
}

/** One file as it will be sent. */
export interface PlannedFile {
  /** Path inside the model, as recorded in the registry (`org.cncf.model.filepath`). */
  filepath: string;
  /** Absolute path on disk (a folder for tar layers). */
  source: string;
  size: number;
  sha256: string;
  mediaType: string;
}

/** A symbolic link in the model and what the push does with it (docs/registries.md, "Links"). */
export interface PlannedLink {
  /** The link's path inside the model. */
  filepath: string;
  /** What it resolves to: an absolute real path. */
  target: string;
  /** It resolves outside the model folder. */
  outside: boolean;
  type: 'file' | 'directory';
  /** Bytes of the file it points to (not given for folders). */
  size?: number;
  /**
   * `link`: stored as a link (relative, inside its tar layer); `copy`: what it points to is sent under the link's
   * name; `not-sent`: outside the model and not allowed, so the push stops.
   */
  sentAs: 'link' | 'copy' | 'not-sent';
}

export interface PushPlan {
  target: PushTarget;
  /** Human-readable destination, e.g. `registry.example.com/team/model:1.4.0`. */
  destination: string;
  files: PlannedFile[];
  totalBytes: number;
  /** Lineage that travels with the model (manifest annotations or MLflow tags). */
  lineage: Record<string, string>;
  /** Every symbolic link in the model, in path order. */
  links: PlannedLink[];
}

export interface PushResult {
  record: PushRecord;
  /** Bytes actually transferred (0 when everything was already there). */
  uploadedBytes: number;
  /** True when the registry already held every blob. */
  upToDate: boolean;
}

export interface VerifyDifference {
  filepath: string;
  problem: 'missing-remote' | 'missing-local' | 'digest-mismatch' | 'size-mismatch';
  local?: { size: number; sha256: string };
  remote?: { size: number; sha256: string };
}

export interface VerifyResult {
  reference: string;
  manifestDigest: string;
  matches: boolean;
  differences: VerifyDifference[];
  files: { filepath: string; size: number; sha256: string }[];
}
