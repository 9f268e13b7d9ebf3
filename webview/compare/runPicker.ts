// Adding runs from inside the panel: a filter expression goes to the host, which evaluates it with the index's
// own query code (the page never parses it) and answers with the matching runs to pick from.
import { formatDate } from '../../src/shared/format';
import type { CompareToHostMessage, HostToCompareMessage } from '../../src/shared/webviews/compare/contract';
import { clear, el } from '../shared/dom';

type RunMatches = Extract<HostToCompareMessage, { type: 'runMatches' }>;

export class RunPicker {
  readonly root: HTMLDetailsElement;
  private readonly input = el('input', { className: 'run-filter', attrs: { type: 'text', placeholder: 'Filter, e.g. lr > 0.01 and status = "finished"', 'aria-label': 'Filter runs to add', spellcheck: 'false' } });
  private readonly find = el('button', {}, 'Find');
  private readonly results = el('div', { className: 'run-matches', attrs: { role: 'group', 'aria-label': 'Matching runs' } });
  private readonly message = el('div', { className: 'run-picker-message', attrs: { role: 'status' } });
  private readonly add = el('button', { className: 'primary' }, 'Add selected');
  private asked = false;

  constructor(private readonly post: (message: CompareToHostMessage) => void, private readonly compared: () => readonly string[]) {
    this.root = el('details', { className: 'run-picker' }, el('summary', {}, 'Add runs…'),
      el('div', { className: 'run-picker-body' },
        el('div', { className: 'run-picker-query' }, this.input, this.find), this.message, this.results, this.add));
    this.add.disabled = true;
    this.root.addEventListener('toggle', () => {
      if (this.root.open && !this.asked) this.ask();
    });
    this.find.addEventListener('click', () => this.ask());
    this.input.addEventListener('keydown', (e) => {
      if (e.key === 'Enter') this.ask();
    });
    this.add.addEventListener('click', () => {
      const picked = [...this.results.querySelectorAll<HTMLInputElement>('input[type=checkbox]:checked:not(:disabled)')].map((b) => b.dataset.run ?? '');
      if (picked.length === 0) return;
      this.post({ type: 'setRuns', runIds: [...this.compared(), ...picked.filter((id) => id !== '')] });
      this.root.open = false;
    });
  }

  private ask(): void {
    this.asked = true;
    this.message.textContent = 'Searching…';
    this.post({ type: 'findRuns', filter: this.input.value });
  }

  /** The host's answer; an answer to an older filter than the one typed now is still shown (it says which). */
  showMatches(answer: RunMatches): void {
    clear(this.results);
    if (answer.error !== undefined) {
      this.message.textContent = answer.error;
      this.message.classList.add('error');
      this.add.disabled = true;
      return;
    }
    this.message.classList.remove('error');
    const compared = new Set(this.compared());
    const fresh = answer.runs.filter((r) => !compared.has(r.id)).length;
    this.message.textContent = answer.total === 0
      ? 'No run matches this filter.'
      : `${answer.total} run${answer.total === 1 ? '' : 's'} match${answer.total > answer.runs.length ? ` (the newest ${answer.runs.length} listed)` : ''}; ${fresh} not compared yet.`;
    for (const run of answer.runs) {
      const inPanel = compared.has(run.id);
      const box = el('input', { attrs: { type: 'checkbox' } });
      box.dataset.run = run.id;
      box.checked = !inPanel;
      box.disabled = inPanel;
      box.addEventListener('change', () => this.updateAdd());
      this.results.append(el('label', { className: `run-match${inPanel ? ' compared' : ''}`, title: run.id }, box,
        el('span', { className: 'run-match-name' }, run.name),
        el('span', { className: 'run-match-detail' }, `${run.experiment} · ${run.status} · ${formatDate(run.startedAt)}${inPanel ? ' · compared' : ''}`)));
    }
    this.updateAdd();
  }

  private updateAdd(): void {
    const n = this.results.querySelectorAll('input[type=checkbox]:checked:not(:disabled)').length;
    this.add.disabled = n === 0;
    this.add.textContent = n === 0 ? 'Add selected' : `Add ${n} run${n === 1 ? '' : 's'}`;
  }
}
