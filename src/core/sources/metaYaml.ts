// The small YAML subset MLflow's FileStore writes with yaml.safe_dump into meta.yaml files: top-level `key: value`
// pairs whose value is a scalar (plain, 'single' or "double" quoted, possibly folded over indented lines), an
// empty flow collection (`[]`, `{}`), or one level of indented `key: value` pairs or `- item` lines. Anything else
// is reported, not guessed.

export type YamlValue = string | number | boolean | null | YamlValue[] | Map<string, YamlValue>;

export interface YamlDocument {
  values: Map<string, YamlValue>;
  /** Lines that are not of the subset, with their 1-based numbers. */
  problems: { line: number; reason: string }[];
}

const KEY_LINE = /^([^\s#'"][^:]*?):(?:\s+(.*))?$/;

function scalar(text: string): YamlValue {
  const t = text.trim();
  if (t === '' || t === '~' || t === 'null') return null;
  if (t === '[]') return [];
  if (t === '{}') return new Map();
  if (t.startsWith("'") && t.endsWith("'") && t.length >= 2) return t.slice(1, -1).replace(/''/g, "'");
  if (t.startsWith('"') && t.endsWith('"') && t.length >= 2) {
    try { return JSON.parse(t) as string; } catch { return t.slice(1, -1); }
  }
  if (t === 'true') return true;
  if (t === 'false') return false;
  if (/^-?\d+$/.test(t)) {
    const n = Number(t);
    // Millisecond times fit; longer digit strings (18-digit ids) stay text.
    return Number.isSafeInteger(n) ? n : t;
  }
  if (/^-?(\d+\.\d*|\.\d+|\d+)(e[-+]?\d+)?$/i.test(t)) return Number(t);
  return t;
}

/** Parses meta.yaml text. Never throws. */
export function parseMetaYaml(text: string): YamlDocument {
  const values = new Map<string, YamlValue>();
  const problems: YamlDocument['problems'] = [];
  const lines = text.split(/\r?\n/);
  let i = 0;
  while (i < lines.length) {
    const raw = lines[i] ?? '';
    i++;
    if (raw.trim() === '' || raw.trimStart().startsWith('#')) continue;
    const m = KEY_LINE.exec(raw);
    if (!m || raw.startsWith(' ')) { problems.push({ line: i, reason: `not a "key: value" line` }); continue; }
    const key = m[1] ?? '';
    let rest = m[2] ?? '';
    // Indented lines that follow belong to this key: a nested block, or a folded scalar.
    const block: string[] = [];
    while (i < lines.length && /^\s+\S/.test(lines[i] ?? '')) { block.push(lines[i] ?? ''); i++; }
    if (rest.trim() === '' && block.length > 0) {
      const first = (block[0] ?? '').trim();
      if (first.startsWith('- ') || first === '-') {
        values.set(key, block.map((l) => scalar(l.trim().replace(/^-\s?/, ''))));
      } else {
        const map = new Map<string, YamlValue>();
        block.forEach((l, k) => {
          const mm = KEY_LINE.exec(l.trim());
          if (mm) map.set(mm[1] ?? '', scalar(mm[2] ?? ''));
          else problems.push({ line: i - block.length + k + 1, reason: `not a "key: value" line under ${key}` });
        });
        values.set(key, map);
      }
      continue;
    }
    if (block.length > 0) rest = [rest, ...block.map((l) => l.trim())].join(' ');
    values.set(key, scalar(rest));
  }
  return { values, problems };
}

/** A field as text (numbers written back as digits), or undefined when absent or null. */
export function yamlText(doc: YamlDocument, key: string): string | undefined {
  const v = doc.values.get(key);
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' || typeof v === 'boolean') return String(v);
  return undefined;
}

/** A field as a finite number, or undefined. */
export function yamlNumber(doc: YamlDocument, key: string): number | undefined {
  const v = doc.values.get(key);
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^-?\d+$/.test(v.trim())) return Number(v);
  return undefined;
}
