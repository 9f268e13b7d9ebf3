// Minimal argument parsing shared by the CLI commands: `--name value`, `--name=value`, boolean `--flag`.
export class UsageError extends Error {}

export interface ParsedArgs {
  options: Map<string, string>;
  flags: Set<string>;
  positional: string[];
}

export function parseArgs(args: string[], valued: readonly string[], booleans: readonly string[]): ParsedArgs {
  const options = new Map<string, string>();
  const flags = new Set<string>();
  const positional: string[] = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i] ?? '';
    if (!arg.startsWith('--')) { positional.push(arg); continue; }
    const eq = arg.indexOf('=');
    const name = eq > 0 ? arg.slice(2, eq) : arg.slice(2);
    if (booleans.includes(name)) {
      if (eq > 0) throw new UsageError(`--${name} takes no value`);
      flags.add(name);
    } else if (valued.includes(name)) {
      const value = eq > 0 ? arg.slice(eq + 1) : args[++i];
      if (value === undefined) throw new UsageError(`--${name} needs a value`);
      options.set(name, value);
    } else {
      throw new UsageError(`unknown option --${name}`);
    }
  }
  return { options, flags, positional };
}

/**
 * A comma-separated list of names, read as one CSV record (RFC 4180): `loss, "val,acc", "say ""hi"""`. Unquoted
 * names are trimmed; quoted ones are kept exactly; empty entries are dropped.
 */
export function splitList(text: string | undefined, option: string): string[] {
  if (text === undefined) return [];
  const names: string[] = [];
  let i = 0;
  while (i <= text.length) {
    while (text.charAt(i) === ' ' || text.charAt(i) === '\t') i++;
    let name: string;
    if (text.charAt(i) === '"') {
      name = '';
      let j = i + 1;
      for (;;) {
        const q = text.indexOf('"', j);
        if (q < 0) throw new UsageError(`--${option}: a quoted name is not closed (write a quote inside quotes as "")`);
        name += text.slice(j, q);
        if (text.charAt(q + 1) !== '"') { j = q + 1; break; }
        name += '"';
        j = q + 2;
      }
      while (text.charAt(j) === ' ' || text.charAt(j) === '\t') j++;
      if (j < text.length && text.charAt(j) !== ',') throw new UsageError(`--${option}: expected a comma after the quoted name "${name}"`);
      i = j + 1;
    } else {
      const comma = text.indexOf(',', i);
      const end = comma < 0 ? text.length : comma;
      name = text.slice(i, end).trim();
      i = end + 1;
    }
    if (name !== '') names.push(name);
  }
  return names;
}
