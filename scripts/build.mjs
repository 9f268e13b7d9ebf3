// Builds the extension host bundle, the CLI, and the webview bundles with esbuild.
// `--watch` rebuilds on change (used by the F5 launch task); `--production` minifies.
import * as esbuild from 'esbuild';
import { copyFileSync, existsSync, mkdirSync, readdirSync, rmSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const watch = process.argv.includes('--watch');
const production = process.argv.includes('--production');
const dist = join(root, 'dist');

rmSync(dist, { recursive: true, force: true });
mkdirSync(join(dist, 'webview'), { recursive: true });
// sql.js's WASM ships beside the bundle and is loaded lazily, when the index is first opened.
copyFileSync(join(root, 'node_modules/sql.js/dist/sql-wasm.wasm'), join(dist, 'sql-wasm.wasm'));

// Prints the markers that the F5 task's background problem matcher waits for (.vscode/tasks.json).
const watchMarkers = {
  name: 'watch-markers',
  setup(build) {
    build.onStart(() => console.log('[watch] build started'));
    build.onEnd((result) => {
      for (const e of result.errors) console.log(`✘ [ERROR] ${e.text} ${e.location ? `${e.location.file}:${e.location.line}` : ''}`);
      console.log('[watch] build finished');
    });
  },
};

const common = {
  bundle: true,
  plugins: watch ? [watchMarkers] : [],
  sourcemap: !production,
  minify: production,
  logLevel: 'info',
  absWorkingDir: root,
};

const builds = [
  {
    ...common,
    // The log reader and parameter importance run on worker threads; their bundles sit beside the extension's (dist/).
    entryPoints: {
      extension: 'src/extension.ts', cli: 'src/cli.ts', cliMain: 'src/cliMain.ts', logReaderWorker: 'src/core/logReaderWorker.ts',
      importanceWorker: 'src/core/analysis/importanceWorker.ts',
    },
    outdir: 'dist',
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode'],
  },
  {
    ...common,
    // Every webview app is a folder of webview/ with a main.ts; each becomes dist/webview/<folder>.js.
    entryPoints: Object.fromEntries(
      readdirSync(join(root, 'webview'), { withFileTypes: true })
        .filter((d) => d.isDirectory() && existsSync(join(root, 'webview', d.name, 'main.ts')))
        .map((d) => [d.name, `webview/${d.name}/main.ts`]),
    ),
    outdir: 'dist/webview',
    platform: 'browser',
    format: 'iife',
    target: 'chrome120',
  },
];

if (watch) {
  for (const options of builds) {
    const ctx = await esbuild.context(options);
    await ctx.watch();
  }
} else {
  await Promise.all(builds.map((options) => esbuild.build(options)));
}
