// Message contract between the host and the run details webview.
import type { CellValue } from './protocol';

export interface DetailsField {
  label: string;
  value: string;
}

export interface DetailsArtifact {
  name: string;
  type: string;
  path: string;
  size: number;
  sha256: string;
  files?: number;
  pushes: string[];
}

export interface RunDetailsData {
  id: string;
  name: string;
  experiment: string;
  status: string;
  color: string;
  notes: string;
  tags: string[];
  /** Who, when, where, what: label/value pairs in display order. */
  lineage: DetailsField[];
  params: Array<[string, CellValue]>;
  metrics: Array<{ key: string; last: number | null; min: number | null; max: number | null; count: number }>;
  artifacts: DetailsArtifact[];
  hasDiff: boolean;
  hasCommit: boolean;
  warnings: string[];
  error?: string;
  packages: Array<[string, string]>;
}

export type HostToDetailsMessage =
  | { type: 'details'; data: RunDetailsData }
  | { type: 'gone'; message: string };

export type DetailsAction = 'showDiff' | 'openAtCommit' | 'compare' | 'copyId' | 'revealSource';

export type DetailsToHostMessage =
  | { type: 'ready' }
  | { type: 'action'; action: DetailsAction }
  | { type: 'saveNotes'; notes: string };

const actions = new Set<string>(['showDiff', 'openAtCommit', 'compare', 'copyId', 'revealSource']);

export function isDetailsToHostMessage(value: unknown): value is DetailsToHostMessage {
  if (typeof value !== 'object' || value === null) return false;
  const m = value as { type?: unknown; action?: unknown };
  return m.type === 'ready'
    || (m.type === 'action' && typeof m.action === 'string' && actions.has(m.action))
    || (m.type === 'saveNotes' && typeof (value as { notes?: unknown }).notes === 'string');
}
