// The lint tier of `npm test`: layer boundaries, no `any`, no default exports, type-only imports marked.
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';
import tseslint from 'typescript-eslint';
import { layersRule } from './eslint/layers.mjs';

const root = dirname(fileURLToPath(import.meta.url));

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', 'dist-vsix/**', 'demo-workspace/**', 'test-results/**', 'sdk/**', '**/*.js', '**/*.mjs', '**/*.cjs'] },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts', 'test/**/*.ts', 'bench/**/*.ts'],
    languageOptions: { parser: tseslint.parser, ecmaVersion: 2022, sourceType: 'module' },
    plugins: { '@typescript-eslint': tseslint.plugin, trialbook: { rules: { layers: layersRule } } },
    linterOptions: { reportUnusedDisableDirectives: 'error' },
    rules: {
      'trialbook/layers': ['error', { root }],
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
      'no-restricted-syntax': ['error',
        { selector: 'ExportDefaultDeclaration', message: 'Named exports only (docs/architecture.md).' },
        { selector: 'ExportSpecifier[exported.name="default"]', message: 'Named exports only (docs/architecture.md).' },
      ],
    },
  },
);
