// Builds the run details message from a RunDetail (no vscode import: unit-tested).
import type { RunDetail } from '../../../core/model';
import { formatDate, formatDuration } from '../../../shared/format';
import type { DetailsField, RunDetailsData } from '../../../shared/webviews/details/contract';
import { toWireNumber, toWireValue } from '../../../shared/webviews/wireValue';
import { runColor } from '../../runColor';

const byName = ([a]: [string, unknown], [b]: [string, unknown]): number => a.localeCompare(b);

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
    hasDiff: Boolean(l.git?.diff),
    hasCommit: Boolean(l.git?.commit && l.git.root && (l.script || l.notebook?.path)),
    warnings: run.warnings ?? [],
    ...(run.error !== undefined ? { error: run.error } : {}),
    packages: Object.entries(l.packages ?? {}).sort(byName),
  };
}
