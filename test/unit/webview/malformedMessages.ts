// Messages a page might send (a bug, an older or newer page, a compromised page): for each panel and each message
// type, a valid one and ways to break it. The contract tests, the host tests in plain Node and the integration
// test in real VS Code all use this one table.

export type PanelKind = 'compare' | 'runsTable' | 'details';

interface MessageCase {
  valid: Record<string, unknown> & { type: string };
  /** Properties that must be there. */
  required: string[];
  /** Property → values it must not take. */
  bad: Record<string, unknown[]>;
}

const dataUrl = 'data:image/png;base64,iVBORw0KGgo=';

export const messageCases: Record<PanelKind, MessageCase[]> = {
  compare: [
    { valid: { type: 'ready', chartPixelWidth: 730, chartsInView: 3 }, required: [], bad: { chartPixelWidth: ['730', 0, -5, null, [730]], chartsInView: ['3', -1, 1.5, null] } },
    { valid: { type: 'resize', chartPixelWidth: 1200 }, required: ['chartPixelWidth'], bad: { chartPixelWidth: ['1200', 0, null, true] } },
    {
      valid: { type: 'setView', selectedMetrics: ['loss'], xAxis: 'metric', xMetric: 'epoch' },
      required: ['selectedMetrics', 'xAxis'],
      bad: { selectedMetrics: ['loss', [1], [null], {}], xAxis: ['time', 1, null, 'constructor'], xMetric: [1, null, ['epoch'], {}] },
    },
    { valid: { type: 'findRuns', filter: 'lr > 0.01' }, required: ['filter'], bad: { filter: [1, null, ['lr'], 'x'.repeat(4001)] } },
    { valid: { type: 'setRuns', runIds: ['a', 'b'] }, required: ['runIds'], bad: { runIds: ['a', [], [1], [null], {}] } },
    { valid: { type: 'exportCsv' }, required: [], bad: {} },
    { valid: { type: 'savePng', metric: 'loss', dataUrl }, required: ['metric', 'dataUrl'], bad: { metric: [3, null, ['loss']], dataUrl: [5, {}, null] } },
    {
      valid: { type: 'drawn', metric: 'loss', lines: 3, ms: 12.5 },
      required: ['metric', 'lines', 'ms'],
      bad: { metric: [null, 1], lines: [-1, 1.5, '3'], ms: ['fast', -1, null, {}] },
    },
    { valid: { type: 'onScreen', metrics: ['loss', 'acc'] }, required: ['metrics'], bad: { metrics: ['loss', [1], [null], {}, null] } },
    {
      valid: { type: 'wantLines', metrics: ['val/loss'], xAxis: 'relative' },
      required: ['metrics', 'xAxis'],
      bad: { metrics: ['loss', [1], [null], {}, null], xAxis: ['metric', 'epoch', 1, null] },
    },
    { valid: { type: 'loadTable', runId: 'a', file: `${'0'.repeat(64)}.json` }, required: ['runId', 'file'], bad: { runId: [1, null], file: [2, null, 'x'.repeat(81)] } },
    { valid: { type: 'openLink', url: 'https://example.com' }, required: ['url'], bad: { url: [1, null, {}, 'x'.repeat(8001)] } },
  ],
  runsTable: [
    { valid: { type: 'ready' }, required: [], bad: {} },
    { valid: { type: 'setFilter', filter: 'lr < 0.01' }, required: ['filter'], bad: { filter: [1, null, ['lr']] } },
    { valid: { type: 'compare', runIds: ['a', 'b'] }, required: ['runIds'], bad: { runIds: ['a', [], [1], [null], {}] } },
    { valid: { type: 'analyze', runIds: ['a', 'b'] }, required: ['runIds'], bad: { runIds: ['a', [], [1], [null], {}] } },
    { valid: { type: 'openRun', runId: 'a' }, required: ['runId'], bad: { runId: [3, null, ['a']] } },
    { valid: { type: 'exportCsv', csv: 'Name\r\na\r\n' }, required: ['csv'], bad: { csv: [1, null, ['a'], {}] } },
  ],
  details: [
    { valid: { type: 'ready' }, required: [], bad: {} },
    { valid: { type: 'action', action: 'copyId' }, required: ['action'], bad: { action: ['deleteRun', 'constructor', 1, null] } },
    { valid: { type: 'saveNotes', notes: 'why this run' }, required: ['notes'], bad: { notes: [1, null, ['a'], {}] } },
    { valid: { type: 'openLink', url: 'https://example.com' }, required: ['url'], bad: { url: [1, null, {}, 'x'.repeat(8001)] } },
  ],
};

/** Not messages at all, or of no type this panel knows (including names Object.prototype answers to). */
export const foreignMessages: unknown[] = [
  null, undefined, 'ready', 42, [], [{ type: 'ready' }], {}, { type: 5 }, { type: null },
  { type: '__proto__' }, { type: 'constructor' }, { type: 'toString' }, { type: 'valueOf' }, { type: 'hasOwnProperty' },
  { type: 'stateChanged', state: {} }, { type: 'deleteEverything' },
];

/** Every malformed variant of every message type of a panel: [what it is, the message, the type it claims]. */
export function malformedMessages(panel: PanelKind): Array<[string, unknown, string | undefined]> {
  const out: Array<[string, unknown, string | undefined]> = [];
  for (const { valid, required, bad } of messageCases[panel]) {
    for (const key of required) {
      const { [key]: _dropped, ...rest } = valid;
      out.push([`${valid.type} without ${key}`, rest, valid.type]);
    }
    for (const [key, values] of Object.entries(bad)) {
      for (const value of values) out.push([`${valid.type} with ${key} = ${JSON.stringify(value)}`, { ...valid, [key]: value }, valid.type]);
    }
  }
  for (const message of foreignMessages) {
    const type = typeof message === 'object' && message !== null && !Array.isArray(message) ? (message as { type?: unknown }).type : undefined;
    out.push([`foreign ${JSON.stringify(message) ?? String(message)}`, message, typeof type === 'string' ? type : undefined]);
  }
  return out;
}

/** Ready messages whose saved state comes from an older version: the ready is handled, the state dropped. */
export const staleStates: Record<PanelKind, unknown[]> = {
  compare: [{}, { runIds: 'r1' }, { runIds: ['r1'], selectedMetrics: ['loss'], xAxis: 'epoch', smoothing: 0, logScale: false, onlyDifferentParams: false }, 'state'],
  runsTable: [{}, { filter: '', sort: null, columns: {}, onlyDiffering: false, widths: 'x' }, { filter: 1 }],
  details: [{}, { runId: 7 }],
};
