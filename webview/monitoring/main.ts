// The monitoring dashboard page: status, performance over time against the training baseline band, the drift
// strip (features × batches coloured by PSI; a click overlays the two distributions), the batch's alerts.
// Run-supplied text (model, features, categories, metric names) goes into the DOM through textContent only.
import { formatNumber } from '../../src/shared/format';
import { monitoringContract, type DashboardBatch, type MonitoringDashboard } from '../../src/shared/webviews/monitoring/contract';
import { clear, el } from '../shared/dom';
import { connectToHost } from '../shared/vscodeApi';
import { drawDistributions, drawPerformance } from './charts';
import { psiClass } from './psiScale';

const host = connectToHost(monitoringContract);
const app = document.getElementById('app') as HTMLElement;
let data: MonitoringDashboard | undefined;
let metric: string | undefined;
let selected: { feature: number; batch: number } | undefined;

function width(): number {
  return Math.max(320, Math.min(1100, app.clientWidth - 8));
}

function day(time: number): string {
  return new Date(time).toISOString().slice(0, 10);
}

function performance(d: MonitoringDashboard): HTMLElement {
  const names = [...new Set(d.batches.flatMap((b) => b.metrics.map(([name]) => name)))];
  if (metric === undefined || !names.includes(metric)) metric = names.find((n) => d.baseline.some(([b]) => b === n)) ?? names[0];
  const select = el('select', { attrs: { 'aria-label': 'Metric' } }, ...names.map((n) => {
    const option = el('option', {}, n);
    option.value = n;
    option.selected = n === metric;
    return option;
  }));
  select.addEventListener('change', () => { metric = select.value; render(); });
  const canvas = el('canvas', { className: 'perf-chart' });
  const baseline = d.baseline.find(([name]) => name === metric)?.[1];
  drawPerformance(canvas, d.batches.map((b) => ({ time: b.time, status: b.status, reliable: b.reliable,
    value: b.metrics.find(([name]) => name === metric)?.[1] ?? null })), baseline, d.performanceWarning, width());
  const note = baseline === undefined ? 'no training baseline for this metric'
    : `training baseline ${formatNumber(baseline)}; band ±${formatNumber(d.performanceWarning * 100)}% (warning), alert beyond ${formatNumber(d.performanceAlert * 100)}%`;
  return el('section', { className: 'performance' }, el('h2', {}, 'Performance over time'),
    names.length ? el('div', { className: 'row' }, select, el('span', { className: 'muted' }, note)) : null, canvas);
}

function strip(d: MonitoringDashboard): HTMLElement {
  if (d.features.length === 0) {
    return el('section', {}, el('h2', {}, 'Drift'), el('p', { className: 'muted' }, d.referenceNote ?? 'No features to compare.'));
  }
  const head = el('tr', {}, el('th', {}, 'feature'), ...d.batches.map((b) => el('th', { className: 'day', title: `${day(b.time)} · ${b.rows} rows${b.reliable ? '' : ' (unreliable)'}` }, String(new Date(b.time).getUTCDate()))));
  const rows = d.features.map((f, fi) => el('tr', {}, el('th', { className: 'feature', title: `${f.name} (${f.type})` }, f.name),
    ...d.batches.map((b, bi) => {
      const cell = b.cells[fi];
      const button = el('button', {
        className: `cell ${cell ? psiClass(cell.psi, d.psiWarning, d.psiAlert) : 'psi-missing'}${b.reliable ? '' : ' unreliable'}${selected?.feature === fi && selected.batch === bi ? ' selected' : ''}`,
        title: cell ? `${f.name} · ${day(b.time)}: ${cell.detail}` : `${f.name} · ${day(b.time)}: not in this batch`,
        attrs: { 'data-feature': String(fi), 'data-batch': String(bi), 'aria-label': `${f.name} ${day(b.time)}` },
      });
      button.addEventListener('click', () => { selected = { feature: fi, batch: bi }; render(); });
      return el('td', {}, button);
    })));
  const legend = el('div', { className: 'legend muted' }, 'PSI: ',
    ...[['psi-0', `< ${formatNumber(d.psiWarning / 2)}`], ['psi-1', `< ${formatNumber(d.psiWarning)}`], ['psi-2', `warning > ${formatNumber(d.psiWarning)}`], ['psi-3', `alert > ${formatNumber(d.psiAlert)}`], ['psi-missing', 'column missing']]
      .map(([cls, text]) => el('span', { className: 'key' }, el('span', { className: `swatch ${cls ?? ''}` }), text ?? '')));
  return el('section', {}, el('h2', {}, 'Drift by feature (click a cell)'), legend,
    el('div', { className: 'strip-scroll' }, el('table', { className: 'strip' }, el('thead', {}, head), el('tbody', {}, ...rows))));
}

function overlay(d: MonitoringDashboard): HTMLElement | null {
  if (!selected) return null;
  const feature = d.features[selected.feature];
  const batch: DashboardBatch | undefined = d.batches[selected.batch];
  if (!feature || !batch) return null;
  const cell = batch.cells[selected.feature];
  const canvas = el('canvas', { className: 'dist-chart' });
  drawDistributions(canvas, feature.bins, feature.reference, cell?.shares ?? [], width());
  const open = el('button', { className: 'link' }, 'Open the batch in the run log');
  const index = batch.index;
  open.addEventListener('click', () => host.post({ type: 'action', action: 'openLog', batch: index }));
  return el('section', { className: 'overlay' },
    el('h2', {}, `${feature.name} on ${day(batch.time)}`),
    el('p', {}, cell ? cell.detail : 'This column was missing from the batch.'),
    el('div', { className: 'legend' }, el('span', { className: 'key' }, el('span', { className: 'swatch ref' }), 'reference (training)'),
      el('span', { className: 'key' }, el('span', { className: 'swatch batch' }), `batch (${batch.rows} rows${batch.reliable ? '' : ', unreliable'})`)),
    canvas, open);
}

function alerts(d: MonitoringDashboard): HTMLElement {
  const latest = [...d.batches].reverse().find((b) => b.alerts.length > 0);
  return el('section', {}, el('h2', {}, latest ? `Findings on ${day(latest.time)}` : 'Findings'),
    latest ? el('ul', { className: 'alerts' }, ...latest.alerts.map((a) => el('li', { className: a.startsWith('alert') ? 'alert' : 'warning' }, a)))
      : el('p', { className: 'muted' }, 'No warnings or alerts.'));
}

function render(): void {
  const d = data;
  if (!d) return;
  host.setState({ model: d.model, version: d.version });
  const openRun = el('button', {}, 'Open Monitoring Run');
  openRun.addEventListener('click', () => host.post({ type: 'action', action: 'openRun' }));
  const openTraining = d.trainingRun ? el('button', {}, 'Open Training Run') : null;
  openTraining?.addEventListener('click', () => host.post({ type: 'action', action: 'openTrainingRun' }));
  clear(app);
  const parts: Array<Node | null> = [
    el('header', { className: 'title' }, el('h1', {}, `${d.model} v${d.version}`), el('span', { className: `status status-${d.status.replace(' ', '-')}` }, d.status),
      el('span', { className: 'muted' }, `${d.batches.length} batches`)),
    el('div', { className: 'actions' }, openRun, openTraining),
    d.referenceNote ? el('div', { className: 'warning' }, d.referenceNote) : null,
    ...d.problems.map((p) => el('div', { className: 'warning' }, p)),
    alerts(d), performance(d), strip(d), overlay(d),
  ];
  app.append(...parts.filter((p): p is Node => p !== null));
  document.body.dataset.rendered = String(Date.now());
}

host.onMessage((message) => {
  if (message.type === 'dashboard') {
    data = message.data;
    render();
  } else if (message.type === 'gone') {
    data = undefined;
    clear(app);
    app.append(el('p', { className: 'muted' }, message.message));
  }
});

host.post({ type: 'ready', state: host.savedState() });
