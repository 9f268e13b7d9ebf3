// Builds the run details message from a RunDetail (no vscode import: unit-tested).
import type { ParamValue, RunDetail } from '../core/model';
import type { DetailsField, RunDetailsData } from '../shared/detailsProtocol';
import type { CellValue } from '../shared/protocol';
import { runColor } from './runColor';
import { formatDuration } from '../shared/format';

function cell(value: ParamValue): CellValue {
  return value === null || typeof value !== 'object' ? value : JSON.stringify(value);
}

function finite(value: number): number | null {
  return Number.isFinite(value) ? value : null;
}

export function buildRunDetails(run: RunDetail, nowMs: number): RunDetailsData {
  const l = run.lineage;
  const fields: DetailsField[] = [];
  const add = (label: string, value: string | number | boolean | undefined): void => {
    if (value !== undefined && value !== '') fields.push({ label, value: String(value) });
  };
  add('Run id', run.id);
  add('Started', new Date(run.startedAt).toISOString());
  add(run.endedAt ? 'Duration' : 'Running for', formatDuration((run.endedAt ?? nowMs) - run.startedAt));
  add('Who', [l.user, l.host].filter(Boolean).join(' @ '));
  add('Command', l.argv?.join(' '));
  add('Script', l.script);
  add('Notebook', l.notebook?.path);
  add('Working directory', l.cwd);
  add('Git commit', l.git?.commit);
  add('Git branch', l.git?.branch);
  add('Git remote', l.git?.remote);
  if (l.git?.dirty !== undefined) add('Working tree', l.git.dirty ? `dirty${l.git.diffTruncated ? ' (stored diff truncated)' : ''}` : 'clean');
  add('Python', l.python);
  add('Platform', l.platform);
  add('Group', run.group);
  add('Rank', run.rank);
  add('SDK', run.sdk ? `${run.sdk.name ?? ''} ${run.sdk.version ?? ''}`.trim() : undefined);
  if (run.skippedLines) add('Unreadable log lines', `${run.skippedLines} skipped (see Trialbook: Show Log)`);

  return {
    id: run.id,
    name: run.name,
    experiment: run.experiment,
    status: run.status,
    color: runColor(run.id),
    notes: run.notes,
    tags: run.tags,
    lineage: fields,
    params: Object.entries(run.params).sort(([a], [b]) => a.localeCompare(b)).map(([k, v]) => [k, cell(v)]),
    metrics: Object.entries(run.metrics).sort(([a], [b]) => a.localeCompare(b))
      .map(([key, m]) => ({ key, last: finite(m.last), min: finite(m.min), max: finite(m.max), count: m.count })),
    artifacts: run.artifacts.map((a) => ({
      name: a.name, type: a.type, path: a.path, size: a.size, sha256: a.sha256, files: a.files,
      pushes: run.pushes.filter((p) => p.artifact === a.name).map((p) => p.reference),
    })),
    hasDiff: Boolean(l.git?.diff),
    hasCommit: Boolean(l.git?.commit && l.git.root && (l.script || l.notebook?.path)),
    warnings: run.warnings ?? [],
    error: run.error,
    packages: Object.entries(l.packages ?? {}).sort(([a], [b]) => a.localeCompare(b)),
  };
}
