// Reads `git diff` output (the uncommitted diff the SDK stores beside a run) and applies one file's hunks
// to that file's committed text, so the editor can show "commit ↔ what actually ran" side by side.

export interface FilePatch {
  /** Path before and after, relative to the repository root; null for a created or deleted file. */
  oldPath: string | null;
  newPath: string | null;
  hunks: Hunk[];
  binary: boolean;
}

export interface Hunk {
  oldStart: number;
  lines: string[];
}

const hunkHeader = /^@@ -(\d+)(?:,(\d+))? \+\d+(?:,(\d+))? @@/;

function stripPrefix(path: string): string | null {
  if (path === '/dev/null') return null;
  const clean = path.replace(/\t.*$/, '');
  return clean.startsWith('a/') || clean.startsWith('b/') ? clean.slice(2) : clean;
}

export function parseUnifiedDiff(text: string): FilePatch[] {
  const files: FilePatch[] = [];
  let current: FilePatch | undefined;
  let hunk: Hunk | undefined;
  // Lines still expected in the current hunk (from its header), so a hunk ends exactly where it should.
  let oldLeft = 0;
  let newLeft = 0;
  for (const line of text.split('\n')) {
    if (hunk && (oldLeft > 0 || newLeft > 0)) {
      const kind = line === '' ? ' ' : line[0];
      if (kind === ' ' || kind === '-' || kind === '+') {
        hunk.lines.push(line === '' ? ' ' : line);
        if (kind !== '+') oldLeft--;
        if (kind !== '-') newLeft--;
        continue;
      }
    }
    if (hunk && line === '\\ No newline at end of file') {
      hunk.lines.push(line);
      continue;
    }
    if (line.startsWith('diff --git ')) {
      const m = /^diff --git a\/(.*) b\/(.*)$/.exec(line);
      current = { oldPath: m?.[1] ?? null, newPath: m?.[2] ?? null, hunks: [], binary: false };
      files.push(current);
      hunk = undefined;
    } else if (!current) {
      continue;
    } else if (line.startsWith('--- ') && !hunk) {
      current.oldPath = stripPrefix(line.slice(4));
    } else if (line.startsWith('+++ ') && !hunk) {
      current.newPath = stripPrefix(line.slice(4));
    } else if (line.startsWith('Binary files ')) {
      current.binary = true;
    } else if (hunkHeader.test(line)) {
      const m = hunkHeader.exec(line) as RegExpExecArray;
      oldLeft = m[2] === undefined ? 1 : Number(m[2]);
      newLeft = m[3] === undefined ? 1 : Number(m[3]);
      hunk = { oldStart: Number(m[1]), lines: [] };
      current.hunks.push(hunk);
    }
  }
  return files;
}

/** Applies a file's hunks to its old text. Throws when a hunk's context does not match (the file moved on). */
export function applyFilePatch(oldText: string, patch: FilePatch): string {
  const oldEndsWithNewline = oldText.endsWith('\n');
  const body = oldEndsWithNewline ? oldText.slice(0, -1) : oldText;
  const oldLines = body.length || oldEndsWithNewline ? body.split('\n') : [];
  const out: string[] = [];
  let cursor = 0;
  /** Copies old lines up to (not including) `end`. */
  const copyUntil = (end: number): void => {
    for (; cursor < end; cursor++) out.push(oldLines[cursor] ?? '');
  };
  // "\ No newline at end of file" after a line on the new side means the new text lacks its final newline.
  let newLacksNewline = false;
  let oldLacksNewline = false;
  for (const hunk of patch.hunks) {
    const start = Math.max(0, hunk.oldStart - 1);
    copyUntil(Math.min(start, oldLines.length));
    let previous = ' ';
    for (const line of hunk.lines) {
      if (line.startsWith('\\')) {
        if (previous === '-') oldLacksNewline = true;
        else newLacksNewline = true;
        continue;
      }
      previous = line[0] ?? ' ';
      const text = line.slice(1);
      if (previous === '+') {
        out.push(text);
        continue;
      }
      if (oldLines[cursor] !== text) {
        throw new Error(`the patch does not apply at line ${cursor + 1} of ${patch.oldPath ?? patch.newPath}`);
      }
      if (previous === ' ') out.push(text);
      cursor++;
    }
  }
  copyUntil(oldLines.length);
  const endsWithNewline = newLacksNewline ? false : oldLacksNewline ? true : oldEndsWithNewline;
  return out.join('\n') + (endsWithNewline && out.length ? '\n' : '');
}
