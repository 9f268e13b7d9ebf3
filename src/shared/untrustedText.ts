// Run-supplied text (names, notes, params, paths written by any script) shown by the editor or a terminal.
// Each surface interprets some syntax; these functions make sure that text is only ever shown as text.

/**
 * For notifications, quick picks and status bar items: VS Code turns `[label](command:…)` (and https:, file:)
 * in notification text into a live link, and `$(name)` in labels into an icon. A zero-width space between
 * `]` and `(`, and between `$` and `(`, breaks both patterns and reads the same.
 */
export function inertText(text: string): string {
  return text.replace(/\](?=\()/g, ']\u200b').replace(/\$(?=\()/g, '$\u200b');
}

/**
 * A Markdown fenced code block holding `text` verbatim. The fence is longer than any run of backticks in the
 * text, so no line of it (indented or not) can close the block: CommonMark and VS Code's renderer both require a
 * closing fence at least as long as the opening one.
 */
export function fencedCodeBlock(text: string, language = 'text'): string {
  let longest = 0;
  for (const run of text.match(/`+/g) ?? []) longest = Math.max(longest, run.length);
  const fence = '`'.repeat(Math.max(3, longest + 1));
  return `\n${fence}${language}\n${text}\n${fence}\n`;
}

const namedEscapes: Record<string, string> = { '\n': '\\n', '\r': '\\r', '\t': '\\t' };

/**
 * For a terminal: control characters (C0, DEL, C1) and bidirectional overrides shown as escapes (`\x1b`, `\n`,
 * `\u202e`), so a name cannot move the cursor, retitle the window, clear the screen or fake table rows.
 */
export function escapeControls(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u202a-\u202e\u2066-\u2069]/g, (c) => {
    const named = Object.prototype.hasOwnProperty.call(namedEscapes, c) ? namedEscapes[c] : undefined;
    if (named !== undefined) return named;
    const code = c.charCodeAt(0);
    return code < 0x100 ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u${code.toString(16).padStart(4, '0')}`;
  });
}
