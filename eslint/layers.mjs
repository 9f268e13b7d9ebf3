// ESLint rule: which folder may import which (docs/architecture.md, "Layers"). Each import is resolved to the
// folder it lands in, so `../../core/x` from `src/shared/a/b.ts` is caught however deep the file sits.
// Import plugins can do zones too, but need a TypeScript resolver package for it; resolving relative paths is all
// this check needs.
import path from 'node:path';

/** Layer of a project-relative path ('' when outside the checked folders). */
function layerOf(rel) {
  const p = rel.split(path.sep).join('/');
  for (const layer of ['src/core', 'src/shared', 'src/vscode', 'src/cli', 'webview', 'test', 'bench']) {
    if (p === layer || p.startsWith(`${layer}/`)) return layer;
  }
  if (p === 'src/extension.ts' || p === 'src/cli.ts') return 'src';
  return '';
}

/** What each layer may import from the project, and whether it may import `vscode` and Node's built-ins. */
const rules = {
  'src/shared': { project: ['src/shared'], vscode: false, node: false },
  'src/core': { project: ['src/core', 'src/shared'], vscode: false, node: true },
  'src/cli': { project: ['src/cli', 'src/core', 'src/shared'], vscode: false, node: true },
  'src/vscode': { project: ['src/vscode', 'src/core', 'src/shared'], vscode: true, node: true },
  webview: { project: ['webview', 'src/shared'], vscode: false, node: false },
};

const builtin = /^(node:|(fs|path|os|child_process|crypto|http|https|net|url|util|stream|worker_threads|zlib|events|buffer|readline|assert|timers)(\/|$))/;

export const layersRule = {
  meta: {
    type: 'problem',
    docs: { description: 'Keep each layer to the imports docs/architecture.md allows' },
    schema: [{ type: 'object', properties: { root: { type: 'string' } }, additionalProperties: false }],
    messages: {
      project: '{{from}} may not import {{to}} ("{{spec}}"): allowed are {{allowed}}.',
      vscode: '{{from}} may not import "vscode": only src/vscode adapts the core to the editor.',
      node: '{{from}} runs in the browser too and may not import Node\'s "{{spec}}".',
    },
  },
  create(context) {
    const root = context.options[0]?.root ?? process.cwd();
    const file = context.filename;
    const from = layerOf(path.relative(root, file));
    const rule = rules[from];
    if (!rule) return {};
    const check = (node, spec) => {
      if (typeof spec !== 'string') return;
      if (spec === 'vscode') {
        if (!rule.vscode) context.report({ node, messageId: 'vscode', data: { from } });
        return;
      }
      if (spec.startsWith('.')) {
        const to = layerOf(path.relative(root, path.resolve(path.dirname(file), spec)));
        if (!rule.project.includes(to)) {
          context.report({ node, messageId: 'project', data: { from, to: to || 'a file outside the layers', spec, allowed: rule.project.join(', ') } });
        }
        return;
      }
      if (!rule.node && builtin.test(spec)) context.report({ node, messageId: 'node', data: { from, spec } });
    };
    return {
      ImportDeclaration: (node) => check(node, node.source.value),
      ExportNamedDeclaration: (node) => node.source && check(node, node.source.value),
      ExportAllDeclaration: (node) => check(node, node.source.value),
      ImportExpression: (node) => node.source.type === 'Literal' && check(node, node.source.value),
      CallExpression: (node) => {
        if (node.callee.type === 'Identifier' && node.callee.name === 'require' && node.arguments[0]?.type === 'Literal') check(node, node.arguments[0].value);
      },
    };
  },
};
