import { test } from 'node:test';
import * as assert from 'node:assert/strict';
import { escapeControls, fencedCodeBlock, inertText } from '../../../src/shared/untrustedText';

// VS Code's notification link pattern (src/vs/base/common/linkedText.ts) and its icon pattern.
const LINK = /\[([^\]]+)\]\(((?:https?:\/\/|command:|file:)[^)\s]+)(?: (["'])(.+?)(\3))?\)/gi;
const ICON = /\$\([a-z0-9-]+?(?:~[a-z0-9-]*?)?\)/gi;

test('inert text: no link and no icon survives, and it reads the same', () => {
  const hostile = '[Open](command:workbench.action.terminal.sendSequence?%7B%22text%22%3A%22rm%22%7D) [x](https://e.vil) $(loading~spin)';
  const out = inertText(hostile);
  assert.equal(out.match(LINK), null);
  assert.equal(out.match(ICON), null);
  assert.equal(out.replace(/\u200b/g, ''), hostile);
  assert.equal(inertText('plain name (v2) [draft]'), 'plain name (v2) [draft]');
});

test('fenced code block: no run of backticks in the text can close it', () => {
  for (const text of ['a\n```\nafter', 'a\n  ```\n[x](https://e.vil)', 'a\n   ````\n', '``````', 'a\n~~~\n']) {
    const block = fencedCodeBlock(text);
    const lines = block.split('\n');
    const fence = lines[1]?.replace(/text$/, '') ?? '';
    // CommonMark: a closing fence is up to 3 spaces then at least as many backticks as the opening one.
    const inner = lines.slice(2, -2);
    assert.ok(inner.every((l) => !new RegExp(`^ {0,3}${fence}`).test(l)), JSON.stringify(text));
    assert.equal(inner.join('\n'), text);
  }
});

test('terminal text: control characters and bidi overrides are shown as escapes', () => {
  assert.equal(escapeControls('a\u001b]0;pwned\u0007b'), 'a\\x1b]0;pwned\\x07b');
  assert.equal(escapeControls('row\nfake\trow\r'), 'row\\nfake\\trow\\r');
  assert.equal(escapeControls('x\u009by\u202ez\u007f'), 'x\\x9by\\u202ez\\x7f');
  assert.equal(escapeControls('ünïcödé ok'), 'ünïcödé ok');
});
