// The lint tier: ESLint over the project (eslint.config.mjs), then a self-check that the rules still catch a
// deliberate violation of each kind, so a config that silently stopped checking fails the tier too.
// Prints "lint: N passed, M failed" (files clean + violations caught) for scripts/test.mjs.
import { ESLint } from 'eslint';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const eslint = new ESLint({ cwd: root });

const results = await eslint.lintFiles(['src', 'webview', 'test', 'bench']);
let passed = 0;
let failed = 0;
for (const r of results) {
  if (r.errorCount + r.warningCount === 0) { passed++; continue; }
  failed++;
  for (const m of r.messages) console.log(`  ✖ ${r.filePath.slice(root.length + 1)}:${m.line}:${m.column}  ${m.message}  (${m.ruleId ?? 'parse'})`);
}
console.log(`lint: ${results.length} files checked, ${failed} with problems`);

/** Each probe is a file that must be refused, with the rule that must refuse it. */
const probes = [
  ['src/core/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n", 'trialbook/layers'],
  ['src/core/registry/probe.ts', "import { IndexHost } from '../../vscode/indexHost';\nexport const x = IndexHost;\n", 'trialbook/layers'],
  ['src/shared/webviews/probe.ts', "import type { RunRow } from '../../core/model';\nexport type X = RunRow;\n", 'trialbook/layers'],
  ['src/shared/probe.ts', "import { readFileSync } from 'node:fs';\nexport const x = readFileSync;\n", 'trialbook/layers'],
  ['webview/compare/probe.ts', "import { openRunIndex } from '../../src/core/openRunIndex';\nexport const x = openRunIndex;\n", 'trialbook/layers'],
  ['src/cli/probe.ts', "import * as vscode from 'vscode';\nexport const x = vscode;\n", 'trialbook/layers'],
  ['src/core/probe.ts', 'export function f(v: any): number { return Number(v); }\n', '@typescript-eslint/no-explicit-any'],
  ['src/vscode/probe.ts', 'export default function f(): number { return 1; }\n', 'no-restricted-syntax'],
];
for (const [file, code, rule] of probes) {
  const [result] = await eslint.lintText(code, { filePath: join(root, file) });
  if (result?.messages.some((m) => m.ruleId === rule)) { passed++; continue; }
  failed++;
  console.log(`  ✖ self-check: ${file} should be refused by ${rule}; got ${JSON.stringify(result?.messages.map((m) => m.ruleId) ?? [])}`);
}
console.log(`lint: ${passed} passed, ${failed} failed`);
process.exit(failed ? 1 : 0);
