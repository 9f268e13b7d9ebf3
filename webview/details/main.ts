import { formatBytes, formatCount } from '../../src/shared/format';
import { detailsContract, type DetailsAction, type RunDetailsData } from '../../src/shared/webviews/details/contract';
import { wireText } from '../../src/shared/webviews/wireValue';
import { connectToHost } from '../shared/vscodeApi';
import { clear, el } from '../shared/dom';
import { DetailsMedia } from './media';
import { metricRow, metricSections } from './sparklines';
// VS Code-styled components (the maintained successor of the deprecated webview-ui-toolkit), imported one by one.
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import '@vscode-elements/elements/dist/vscode-badge/index.js';

/** The parts of the components' element APIs this page uses. */
interface ButtonElement extends HTMLElement {
  disabled: boolean;
  secondary: boolean;
}

interface TextareaElement extends HTMLElement {
  value: string;
  rows: number;
}

const host = connectToHost(detailsContract);
const app = document.getElementById('app') as HTMLElement;

function vscodeButton(label: string, title = ''): ButtonElement {
  const b = document.createElement('vscode-button') as ButtonElement;
  b.textContent = label;
  if (title) b.title = title;
  return b;
}

function button(label: string, action: DetailsAction, enabled = true, title = ''): ButtonElement {
  const b = vscodeButton(label, title);
  b.secondary = true;
  b.disabled = !enabled;
  b.addEventListener('click', () => host.post({ type: 'action', action }));
  return b;
}

function badge(text: string, className: string): HTMLElement {
  const b = document.createElement('vscode-badge');
  b.className = className;
  b.textContent = text;
  return b;
}

function table(head: string[], rows: string[][], className = 'grid'): HTMLTableElement {
  return el('table', { className },
    el('thead', {}, el('tr', {}, ...head.map((h) => el('th', {}, h)))),
    el('tbody', {}, ...rows.map((r) => el('tr', {}, ...r.map((c, i) => (i === 0 ? el('th', { className: 'row-key', title: c }, c) : el('td', { title: c }, c)))))));
}

/**
 * The notes editor lives across updates: a live run re-renders the page often, and whoever is typing keeps their
 * text, the caret and the focus. The saved notes replace the text only when it holds no unsaved edit.
 */
const notes = document.createElement('vscode-textarea') as TextareaElement;
notes.rows = 4;
notes.setAttribute('aria-label', 'Notes: why this run exists');
notes.className = 'notes';
const saveNotes = vscodeButton('Save notes');
saveNotes.disabled = true;
const notesSection = el('section', {}, el('h2', {}, 'Notes'), notes, el('div', {}, saveNotes));
/** The notes as the host last sent them, or as last sent to be saved. */
let savedNotes: string | undefined;
notes.addEventListener('input', () => { saveNotes.disabled = notes.value === savedNotes; });
saveNotes.addEventListener('click', () => {
  host.post({ type: 'saveNotes', notes: notes.value });
  // Sent, so no longer unsaved: whatever the host shows next (this text, or a newer change made elsewhere that
  // landed in the same sync) replaces it, unless something is typed meanwhile.
  savedNotes = notes.value;
  saveNotes.disabled = true;
});

function showNotes(text: string): void {
  const unsaved = savedNotes !== undefined && notes.value !== savedNotes;
  savedNotes = text;
  if (!unsaved) notes.value = text;
  saveNotes.disabled = notes.value === text;
}

/** The Media section lives across updates too: its images stay loaded while the rest of the page is rebuilt. */
const media = new DetailsMedia((url) => host.post({ type: 'openLink', url }));
/** Elements that are never rebuilt: detached, they would lose focus, caret or loaded images. */
const kept = new Set<Node>([notesSection, media.root]);

function render(d: RunDetailsData): void {
  // The panel serializer reopens this run after a window reload.
  host.setState({ runId: d.id });
  const swatch = el('span', { className: 'swatch' });
  swatch.style.background = d.color;
  showNotes(d.notes);
  const parts: Array<Node | null> = [
    el('header', { className: 'title' }, el('h1', {}, swatch, d.name), badge(d.status, `status status-${d.status}`), el('span', { className: 'muted' }, d.experiment)),
    el('div', { className: 'actions' },
      button('Compare', 'compare'),
      button('Reveal Source', 'revealSource'),
      button('Show Code Diff', 'showDiff', d.hasDiff, d.hasDiff ? 'The code this run ran, beside its commit' : 'No git commit, diff or captured source was recorded'),
      button('Open at Commit', 'openAtCommit', d.hasCommit, d.hasCommit ? 'The source as it was at the run\'s commit (or as captured, when git did not hold it)' : 'No git commit or captured source was recorded'),
      button('Copy Run ID', 'copyId')),
    d.error ? el('div', { className: 'error' }, `Failed: ${d.error}`) : null,
    ...d.warnings.map((w) => el('div', { className: 'warning' }, w)),
    notesSection,
    d.tags.length ? el('section', {}, el('h2', {}, 'Tags'), el('div', { className: 'tags' }, ...d.tags.map((t) => badge(t, 'tag')))) : null,
    el('section', {}, el('h2', {}, 'Lineage'), table(['', ''], d.lineage.map((f) => [f.label, f.value]), 'grid kv')),
    el('section', {}, el('h2', {}, `Params (${d.params.length})`),
      d.params.length ? table(['param', 'value'], d.params.map(([k, v]) => [k, wireText(v)])) : el('p', { className: 'muted' }, 'No params logged.')),
    ...metricSections(d, (metrics) => table(['metric', 'last', 'min', 'max', 'points'], metrics.map(metricRow))),
    d.summary?.length ? el('section', {}, el('h2', {}, `Summary (${d.summary.length})`), table(['summary', 'value'], d.summary.map(([k, v]) => [k, wireText(v)]))) : null,
    media.root,
    el('section', {}, el('h2', {}, `Artifacts (${d.artifacts.length})`),
      d.artifacts.length
        ? table(['name', 'type', 'size', 'sha256', 'path', 'pushed to'], d.artifacts.map((a) => [a.name, a.type, `${formatBytes(a.size)}${a.files ? ` · ${formatCount(a.files)} files` : ''}`, a.sha256.slice(0, 16) + '…', a.path, a.pushes.join(', ') || '—']))
        : el('p', { className: 'muted' }, 'No artifacts logged.')),
    d.inputs?.length
      ? el('section', {}, el('h2', {}, `Inputs (${d.inputs.length})`),
        table(['dataset', 'status', 'fingerprint', 'size', 'rows × columns', 'context', 'source'],
          d.inputs.map((i) => [i.name, i.status, i.fingerprint, i.size || '—', i.shape || '—', i.context || '—', i.source])))
      : null,
    d.packages.length ? el('details', {}, el('summary', {}, `Installed packages (${d.packages.length})`), table(['package', 'version'], d.packages.map(([n, v]) => [n, v]))) : null,
  ];
  // Everything but the kept elements is rebuilt; those stay where they are (never detached) and the rest goes
  // around them in order.
  for (const child of [...app.childNodes]) if (!kept.has(child)) child.remove();
  let at: ChildNode | null = app.firstChild;
  for (const node of parts) {
    if (node === null) continue;
    if (node === at) at = at.nextSibling;
    else app.insertBefore(node, at);
  }
  document.body.dataset.rendered = String(Date.now());
}

host.onMessage((message) => {
  if (message.type === 'details') render(message.data);
  else if (message.type === 'media') media.render(message.media);
  else if (message.type === 'revealMedia') media.reveal();
  else if (message.type === 'gone') {
    clear(app);
    app.append(el('p', { className: 'muted' }, message.message));
  }
});

host.post({ type: 'ready' });
