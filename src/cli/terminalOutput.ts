// What the CLI prints for people. Run names, params, metric names and paths are run-supplied: every one goes
// through escapeControls, so a name can neither drive the terminal (retitle, clear, move the cursor) nor fake rows.
// Machine output (--json, CSV) carries them exactly instead.
import { escapeControls } from '../shared/untrustedText';

/** An error or warning line on stderr: `trialbook: <message>`. */
export function printError(message: string): void {
  process.stderr.write(`trialbook: ${escapeControls(message)}\n`);
}

/** Left-aligned columns two spaces apart; every cell shown with its control characters escaped. */
export function formatTable(header: string[], body: string[][]): string {
  const rows = [header, ...body].map((cells) => cells.map(escapeControls));
  const widths = header.map((_h, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  return `${rows.map(line).join('\n')}\n`;
}
