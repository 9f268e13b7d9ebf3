// With the x axis by a metric, runs that never logged it are not drawn: the note that says which.
import type { CompareData } from '../../src/shared/webviews/compare/contract';
import { el } from '../shared/dom';

export class XNote {
  readonly root = el('div', { className: 'status x-note', attrs: { role: 'status' } });

  constructor() {
    this.root.hidden = true;
  }

  render(next: CompareData): void {
    const missing = next.xMissing ?? [];
    const names = new Map(next.runs.map((r) => [r.id, r.name]));
    this.root.hidden = missing.length === 0;
    this.root.textContent = missing.length === 0 ? ''
      : `${missing.length} run${missing.length === 1 ? '' : 's'} never logged ${next.xMetric ?? 'the x metric'} and ${missing.length === 1 ? 'is' : 'are'} not drawn: ${missing.map((id) => names.get(id) ?? id).join(', ')}.`;
  }
}
