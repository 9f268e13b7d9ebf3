// What a push reads from a model folder, and the rule for symbolic links (docs/registries.md, "Links"):
// - a link that resolves inside the tar layer it is in is stored as a relative link (OCI folders only);
// - a link that resolves elsewhere inside the model folder is sent as a copy of what it points to;
// - a link that resolves outside the model folder is not sent, and the push stops naming it, unless the user
//   allowed copies (`followOutsideLinks`): then it is sent as a copy too;
// - a dangling link, a link whose copy would contain itself, and a name with a backslash (a folder separator to
//   Windows extractors) stop the push with a message naming them.
// Entry names are built from directory listings joined with `/`, so they are relative and have no `..` segments.
import { promises as fsp, type Stats } from 'node:fs';
import * as path from 'node:path';
import { errorMessage } from '../../shared/errorMessage';
import { RegistryError } from './errors';
import type { PlannedLink } from './types';

export interface ModelEntry {
  /** Path inside the model, `/`-separated. */
  name: string;
  type: 'file' | 'directory' | 'symlink';
  /** Where the bytes are read (a copied link: what it resolves to). */
  abs: string;
  size: number;
  mode: number;
  mtimeMs: number;
  /** Relative link target (type `symlink`). */
  linkname?: string;
}

/** One layer's worth of the model: a top-level file, or a top-level folder with every entry under it. */
export interface ModelPart {
  /** Path inside the model (the layer's `org.cncf.model.filepath`). */
  filepath: string;
  /** Real path of the file or folder read (a copied link: what it resolves to). */
  abs: string;
  dir: boolean;
  /** A file: itself; a folder: every entry under it (names start with `filepath/`), sorted. */
  entries: ModelEntry[];
}

export interface ModelScan {
  parts: ModelPart[];
  links: PlannedLink[];
}

export interface ScanOptions {
  /** Send copies of what links resolving outside the model point to (else they are listed as not sent). */
  followOutsideLinks?: boolean;
  /** Keep links that resolve inside their tar layer as links (OCI); false sends every link as a copy (MLflow). */
  keepLinks: boolean;
}

const MAX_PROBLEMS = 10;

function input(message: string): RegistryError {
  return new RegistryError('input', message);
}

/** `inner` is `outer` or below it (both absolute, real). */
function within(inner: string, outer: string): boolean {
  const rel = path.relative(outer, inner);
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** Walks the model at `modelPath` (a file or a folder) by the link rule above. */
export async function scanModel(modelPath: string, options: ScanOptions): Promise<ModelScan> {
  let root: string;
  let st: Stats;
  try {
    root = await fsp.realpath(modelPath);
    st = await fsp.stat(root);
  } catch {
    throw input(`Model ${modelPath} does not exist. Check the artifact path (it may have been moved or deleted after the run).`);
  }
  const scan = new Scan(root, options);
  if (st.isFile()) {
    const name = path.basename(modelPath);
    scan.checkName(name);
    scan.finish();
    return { parts: [{ filepath: name, abs: root, dir: false, entries: [fileEntry(name, root, st)] }], links: [] };
  }
  if (!st.isDirectory()) throw input(`Model ${modelPath} is neither a file nor a folder.`);
  const top: ModelEntry[] = [];
  await scan.walk(root, '', undefined, [root], top);
  scan.finish();
  const parts: ModelPart[] = [];
  for (const e of top) {
    if (e.type === 'file') parts.push({ filepath: e.name, abs: e.abs, dir: false, entries: [e] });
    else if (e.type === 'directory') parts.push({ filepath: e.name, abs: e.abs, dir: true, entries: scan.under(e.name) });
  }
  if (parts.length === 0 && scan.links.every((l) => l.sentAs !== 'not-sent')) throw input(`Model folder ${modelPath} is empty; there is nothing to push.`);
  return { parts, links: scan.links };
}

function unreadable(rel: string, err: unknown): RegistryError {
  const code = (err as { code?: unknown } | null)?.code;
  return input(`Cannot read ${rel ? `${rel} in the model` : 'the model folder'} (${typeof code === 'string' ? code : errorMessage(err)}). Check its permissions, or whether it is being changed, and push again.`);
}

function fileEntry(name: string, abs: string, st: Stats): ModelEntry {
  return { name, abs, type: 'file', size: st.size, mode: st.mode & 0o111 ? 0o755 : 0o644, mtimeMs: st.mtimeMs };
}

class Scan {
  readonly links: PlannedLink[] = [];
  private readonly problems: string[] = [];
  /** Entries below the top level, by the name of their top-level folder. */
  private readonly nested = new Map<string, ModelEntry[]>();

  constructor(private readonly root: string, private readonly options: ScanOptions) {}

  checkName(name: string): void {
    // A backslash is a folder separator to Windows extractors: "..\..\x" would be written two folders up.
    if (name.includes('\\')) this.problems.push(`"${name}" has a backslash in its name, which Windows tools read as a folder separator; rename it`);
  }

  under(top: string): ModelEntry[] {
    return this.nested.get(top) ?? [];
  }

  finish(): void {
    if (this.problems.length === 0) return;
    const shown = this.problems.slice(0, MAX_PROBLEMS).join('; ');
    const more = this.problems.length > MAX_PROBLEMS ? ` (and ${this.problems.length - MAX_PROBLEMS} more)` : '';
    throw input(`The model cannot be pushed as it is: ${shown}${more}. Nothing was sent.`);
  }

  /**
   * Lists `dir` (real path) as `prefix/…`. `layer` is the real path of the tar layer's folder while the walk is in
   * the model's own folders (links resolving inside it stay links), undefined at the top and inside copies.
   * `stack` holds the real folders being walked, to refuse a copy that would contain itself.
   */
  async walk(dir: string, prefix: string, layer: string | undefined, stack: string[], out: ModelEntry[]): Promise<void> {
    for (const name of (await fsp.readdir(dir).catch((err: unknown) => { throw unreadable(prefix, err); })).sort()) {
      const rel = prefix ? `${prefix}/${name}` : name;
      this.checkName(rel);
      const abs = path.join(dir, name);
      const st = await fsp.lstat(abs).catch((err: unknown) => { throw unreadable(rel, err); });
      if (st.isDirectory()) {
        this.add(out, { name: rel, abs, type: 'directory', size: 0, mode: 0o755, mtimeMs: st.mtimeMs });
        await this.walk(abs, rel, layer ?? (prefix === '' ? abs : undefined), [...stack, abs], out);
      } else if (st.isFile()) {
        this.add(out, fileEntry(rel, abs, st));
      } else if (st.isSymbolicLink()) {
        await this.link(abs, rel, layer, stack, out);
      }
      // Sockets, FIFOs and devices hold no model data (and reading a FIFO would block): not sent.
    }
  }

  private add(out: ModelEntry[], e: ModelEntry): void {
    const slash = e.name.indexOf('/');
    if (slash < 0) { out.push(e); return; }
    const top = e.name.slice(0, slash);
    let list = this.nested.get(top);
    if (!list) this.nested.set(top, (list = []));
    list.push(e);
  }

  private async link(abs: string, rel: string, layer: string | undefined, stack: string[], out: ModelEntry[]): Promise<void> {
    const text = await fsp.readlink(abs);
    let real: string;
    let st: Stats;
    try {
      real = await fsp.realpath(abs);
      st = await fsp.stat(real);
    } catch {
      this.problems.push(`the link ${rel} → ${text} points to something that does not exist; remove it or restore its target`);
      return;
    }
    const type = st.isDirectory() ? 'directory' : 'file';
    if (!st.isDirectory() && !st.isFile()) return;
    const outside = !within(real, this.root);
    const base = { filepath: rel, target: real, outside, type, ...(type === 'file' ? { size: st.size } : {}) } as const;
    if (outside && !this.options.followOutsideLinks) {
      this.links.push({ ...base, sentAs: 'not-sent' });
      return;
    }
    if (this.options.keepLinks && layer !== undefined && within(real, layer)) {
      // Relative to the link's folder inside the layer: extractors resolve it inside the layer, wherever it lands.
      // In the model's own folders every path component is real, so the link's folder is dirname(abs).
      const linkname = path.relative(path.dirname(abs), real).split(path.sep).join('/') || '.';
      this.links.push({ ...base, sentAs: 'link' });
      this.add(out, { name: rel, abs, type: 'symlink', size: 0, mode: 0o777, mtimeMs: 0, linkname });
      return;
    }
    if (st.isDirectory() && stack.some((d) => within(d, real))) {
      this.problems.push(`the link ${rel} → ${text} points to a folder that contains it, so a copy would never end; remove it`);
      return;
    }
    this.links.push({ ...base, sentAs: 'copy' });
    if (st.isFile()) { this.add(out, fileEntry(rel, real, st)); return; }
    this.add(out, { name: rel, abs: real, type: 'directory', size: 0, mode: 0o755, mtimeMs: st.mtimeMs });
    await this.walk(real, rel, undefined, [...stack, real], out);
  }
}

/** The message that stops a push with links outside the model that were not allowed. */
export function outsideLinksError(links: readonly PlannedLink[]): RegistryError | undefined {
  const refused = links.filter((l) => l.sentAs === 'not-sent');
  if (refused.length === 0) return undefined;
  const shown = refused.slice(0, MAX_PROBLEMS).map((l) => `${l.filepath} → ${l.target}`).join(', ');
  const more = refused.length > MAX_PROBLEMS ? ` and ${refused.length - MAX_PROBLEMS} more` : '';
  return input(`The model has ${refused.length === 1 ? 'a link that points' : 'links that point'} outside its folder: ${shown}${more}. Nothing was sent. Remove ${refused.length === 1 ? 'it' : 'them'} (or replace ${refused.length === 1 ? 'it' : 'them'} with the files), or allow sending copies of what ${refused.length === 1 ? 'it points' : 'they point'} to: --follow-outside-links on the command line; the editor asks.`);
}
