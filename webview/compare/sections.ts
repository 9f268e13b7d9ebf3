// Chart sections by metric prefix (`train/`, `val/`, `system/`…): collapsible, system last. A section is open when
// any of its metrics is charted; opening one charts all its metrics, collapsing one stops charting them.
import { isSystemSection, metricSections, type MetricSection } from '../../src/shared/webviews/compare/metricSections';
import { clear, el } from '../shared/dom';

export interface SectionGrid {
  section: MetricSection;
  /** Where the section's chart cards go. */
  grid: HTMLElement;
}

export function sectionTitle(name: string): string {
  return name === '' ? 'Charts' : name;
}

/**
 * Renders one collapsible block per section into `box`; `onToggle` hears a user opening or collapsing one.
 * Returns the grids of the open sections, in display order.
 */
export function renderSections(
  box: HTMLElement, metrics: readonly string[], charted: ReadonlySet<string>, onToggle: (section: MetricSection, open: boolean) => void,
): SectionGrid[] {
  clear(box);
  const grids: SectionGrid[] = [];
  for (const section of metricSections(metrics)) {
    const open = section.metrics.some((m) => charted.has(m));
    const shown = section.metrics.filter((m) => charted.has(m)).length;
    const count = open && shown < section.metrics.length ? `${shown} of ${section.metrics.length}` : String(section.metrics.length);
    const grid = el('div', { className: 'charts' });
    const details = el('details', { className: `metric-section${isSystemSection(section.name) ? ' system' : ''}`, attrs: { 'data-section': section.name } },
      el('summary', {}, el('span', { className: 'section-name' }, sectionTitle(section.name)), el('span', { className: 'section-count' }, count)),
      grid);
    details.open = open;
    // Setting `open` above queues a toggle event too: only a change from what is charted counts.
    details.addEventListener('toggle', () => {
      if (details.open !== open) onToggle(section, details.open);
    });
    box.append(details);
    if (open) grids.push({ section, grid });
  }
  return grids;
}
