// Builds the run details message from a RunDetail (no vscode import: unit-tested).
import type { DatasetUse, RunDetail } from '../../../core/model';
import { formatBytes, formatCount, formatDate, formatDuration } from '../../../shared/format';
import type { DetailsField, DetailsInput, RunDetailsData } from '../../../shared/webviews/details/contract';
import { toWireNumber, toWireValue } from '../../../shared/webviews/wireValue';
import { runColor } from '../../runColor';

const byName = ([a]: [string, unknown], [b]: [string, unknown]): number => a.localeCompare(b);
const LISTED_FILES = 20;

function fileList(files: string[] | undefined, truncated: boolean | undefined): string | undefined {
  if (!files?.length) return undefined;
  const shown = files.slice(0, LISTED_FILES).join(', ');
  const more = files.length > LISTED_FILES ? ` and ${formatCount(files.length - LISTED_FILES)} more` : '';
  return `${shown}${more}${truncated ? ' (list cut)' : ''}`;
}

const STATUS_WORDS: Record<DatasetUse['status'], string> = {
  complete: 'complete', partial: 'partial', unreadable: 'some files unreadable', missing: 'missing', remote: 'remote',
};

export function inputRow(d: DatasetUse): DetailsInput {
  let fingerprint: string;
  if (d.sha256 !== undefined) fingerprint = `${d.sha256.slice(0, 16)}…`;
  else if (d.status === 'remote') fingerprint = d.source;
  else if (d.status === 'partial') {
    const done = formatCount((d.filesHashed ?? 0) + (d.filesCached ?? 0));
    fingerprint = `unknown (${d.cancelled ? 'hashing stopped' : 'still hashing'}: ${done}${d.files !== undefined ? ` of ${formatCount(d.files)}` : ''} files)`;
  } else fingerprint = 'unknown (path did not exist)';
  let status = STATUS_WORDS[d.status];
  if (d.status === 'unreadable') status += ` (${formatCount(d.unreadableCount ?? d.unreadable?.length ?? 0)}: ${(d.unreadable ?? []).slice(0, 3).map((u) => `${u.path}: ${u.error}`).join('; ')})`;
  const shape = [d.rows !== undefined ? `${formatCount(d.rows)} rows` : '', d.columns ? `${formatCount(d.columns.length)} columns` : ''].filter(Boolean).join(' × ');
  const size = d.size !== undefined ? `${formatBytes(d.size)}${d.files !== undefined && d.kind === 'folder' ? ` · ${formatCount(d.files)} files` : ''}` : '';
  return {
    name: d.name, status, fingerprint, size, shape: shape && d.format ? `${shape} (${d.format})` : shape,
    columns: d.columns ?? [], source: d.source, context: d.context ?? '',
  };
}

export function buildRunDetails(run: RunDetail, nowMs: number): RunDetailsData {
  const l = run.lineage;
  const fields: DetailsField[] = [];
  const add = (label: string, value: string | number | boolean | undefined): void => {
    if (value !== undefined && value !== '') fields.push({ label, value: String(value) });
  };
  add('Run id', run.id);
  add('Started', formatDate(run.startedAt));
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
  add('Modified files', fileList(l.git?.modified, l.git?.filesTruncated));
  add('Untracked files', fileList(l.git?.untracked, l.git?.filesTruncated));
  for (const source of l.sources ?? []) {
    add('Captured source', `${source.path} (${source.state}; sha256 ${source.sha256.slice(0, 16)}…, ${formatBytes(source.size)}${source.stored ? '' : ', over the 2 MiB cap: hash only'})`);
  }
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
    params: Object.entries(run.params).sort(byName).map(([k, v]) => [k, toWireValue(v)]),
    metrics: Object.entries(run.metrics).sort(byName)
      .map(([key, m]) => ({ key, last: toWireNumber(m.last), min: toWireNumber(m.min), max: toWireNumber(m.max), count: m.count })),
    summary: Object.entries(run.summary).sort(byName).map(([k, v]) => [k, toWireValue(v)]),
    artifacts: run.artifacts.map((a) => ({
      name: a.name, type: a.type, path: a.path, size: a.size, sha256: a.sha256, ...(a.files !== undefined ? { files: a.files } : {}),
      pushes: run.pushes.filter((p) => p.artifact === a.name).map((p) => p.reference),
    })),
    ...(run.inputs?.length ? { inputs: run.inputs.map(inputRow) } : {}),
    // Show Code Diff: a stored diff, a captured source, or (a clean run) its commit beside the working copy.
    hasDiff: Boolean(l.git?.diff || l.sources?.some((s) => s.stored) || (l.git?.commit && l.git.root && (l.script || l.notebook?.path))),
    hasCommit: Boolean((l.git?.commit && l.git.root && (l.script || l.notebook?.path)) || l.sources?.some((s) => s.stored)),
    warnings: run.warnings ?? [],
    ...(run.error !== undefined ? { error: run.error } : {}),
    packages: Object.entries(l.packages ?? {}).sort(byName),
  };
}
