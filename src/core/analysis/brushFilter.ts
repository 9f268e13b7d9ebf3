// "Save as filter": the brushes as a filter-language expression (docs/filter-language.md), so the Runs view keeps
// showing what was brushed, and new runs that fall in the brushed region join it. A numeric brush becomes
// `param.lr >= A and param.lr <= B`; a categorical one `param.opt in ("adam", "sgd")`. Names the language cannot
// read after a `param.`/`metric.`/`summary.` prefix are quoted without it (and then read metric, param, summary
// in that order). The expression selects the brushed runs except where the language reads a value differently:
// a list or object value matches no comparison, and a text category that reads as a number (`"007"`) also
// matches that number.
import { isRangeBrush, type Brush } from '../../shared/webviews/analysis/brush';
import type { Dimension } from './dimensions';

const PLAIN_NAME = /^[A-Za-z0-9_.\-/:@#$%+]+$/;

function quote(text: string): string {
  return `"${text.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/** The dimension's name as the filter reads it. */
export function filterName(d: Pick<Dimension, 'source' | 'name'>): string {
  return PLAIN_NAME.test(d.name) ? `${d.source}.${d.name}` : quote(d.name);
}

/** `String(n)` reads back as the same number (`1e-7`, `0.30000000000000004`). */
function numberText(n: number): string {
  return String(n);
}

/** The expression for these brushes; an error names a brush that refers to no dimension. */
export function brushesToFilter(dimensions: readonly Dimension[], brushes: readonly Brush[]): string {
  const parts: string[] = [];
  for (const brush of brushes) {
    const d = dimensions.find((x) => x.key === brush.key);
    if (!d) throw new Error(`The brushed axis ${brush.key} is no longer among the runs' params and metrics; brush again.`);
    const name = filterName(d);
    if (isRangeBrush(brush)) {
      parts.push(`${name} >= ${numberText(brush.min)} and ${name} <= ${numberText(brush.max)}`);
    } else {
      const values = brush.categories.flatMap((c) => { const text = d.categories[c]; return text === undefined ? [] : [quote(text)]; });
      // No category kept: nothing passes (an empty `in ()` cannot be written).
      parts.push(values.length ? `${name} in (${values.join(', ')})` : `${name} in ("") and not ${name} in ("")`);
    }
  }
  return parts.join(' and ');
}
