// The table as the Analysis page receives it: every column a view into one Float64Array (one copy across the
// webview channel), category labels cut to LABEL_MAX characters (a 10,000-character param value is shown
// shortened; the host keeps the whole text for "Save as filter").
import { LABEL_MAX, type AnalysisData } from '../../shared/webviews/analysis/contract';
import { defaultAxes, type AnalysisTable } from './dimensions';

export function shortLabel(text: string): string {
  return text.length > LABEL_MAX ? `${text.slice(0, LABEL_MAX - 1)}…` : text;
}

export function analysisData(table: AnalysisTable, scope: string): AnalysisData {
  const n = table.runs.length;
  const buffer = new Float64Array(n * table.dimensions.length);
  return {
    scope,
    runs: table.runs.map((r) => ({ id: r.id, name: shortLabel(r.name) })),
    dimensions: table.dimensions.map((d, k) => {
      const values = buffer.subarray(k * n, (k + 1) * n);
      values.set(d.values);
      return {
        key: d.key, source: d.source, name: shortLabel(d.name), scale: d.scale, values,
        categories: d.categories.map(shortLabel), present: d.present, distinct: d.distinct, mixed: d.mixed,
      };
    }),
    defaultAxes: defaultAxes(table.dimensions),
  };
}
