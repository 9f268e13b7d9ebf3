// The new-panel baseline of bench/editorCompare.mjs, run inside the extension host by the probe: bare Chart.js in a
// new VS Code webview panel, as the plainest extension would do it (page loads Chart.js, says ready, is posted the
// data as JSON, draws), so that VS Code's own cost of creating a webview is on both sides of the ratio. The bench
// writes each request (`bare-request-N.json`, with the page script and the data beside it) into the control folder;
// the result goes back as `bare-result-N.json`. Timed from the moment the probe starts the open (the click → host
// hop our panel pays is not counted here: the ratio is, if anything, against us) to the frame painted after drawing.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

interface BareRequest { readonly inView: number; readonly w: number; readonly h: number }
export interface BareResult { readonly started: number; readonly ready: number; readonly painted: number }

const nonce = (): string => Array.from({ length: 32 }, () => Math.floor(Math.random() * 36).toString(36)).join('');

function open(control: string, chartDir: vscode.Uri, request: BareRequest, text: string): Promise<BareResult> {
  const started = Date.now();
  const panel = vscode.window.createWebviewPanel('trialbookBenchBare', 'Bare Chart.js', vscode.ViewColumn.Active, {
    enableScripts: true, localResourceRoots: [vscode.Uri.file(control), chartDir],
  });
  const webview = panel.webview;
  const n = nonce();
  const script = (uri: vscode.Uri): string => `<script nonce="${n}" src="${webview.asWebviewUri(uri).toString()}"></script>`;
  webview.html = `<!DOCTYPE html><html><head><meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; script-src 'nonce-${n}'; style-src 'unsafe-inline'">
</head><body><div id="charts" style="display:flex;flex-wrap:wrap;gap:14px"></div>
${script(vscode.Uri.joinPath(chartDir, 'chart.umd.min.js'))}${script(vscode.Uri.file(join(control, 'bare-page.js')))}</body></html>`;
  return new Promise((resolve) => {
    let ready = 0;
    // A page that never paints is reported as such (no figure), not waited for forever.
    const timeout = setTimeout(() => {
      resolve({ started, ready, painted: Number.NaN });
      panel.dispose();
    }, 60_000);
    webview.onDidReceiveMessage((message: { type: string; at: number }) => {
      if (message.type === 'ready') {
        ready = message.at;
        void webview.postMessage({ type: 'open', text, ...request });
      } else if (message.type === 'painted') {
        clearTimeout(timeout);
        resolve({ started, ready, painted: message.at });
        panel.dispose();
      }
    });
  });
}

/** Answers the bench's requests until `done()`, one at a time. */
export async function serveBareOpens(control: string, extensionUri: vscode.Uri, done: () => boolean): Promise<void> {
  const chartDir = vscode.Uri.joinPath(extensionUri, 'node_modules', 'chart.js', 'dist');
  for (let i = 0; !done(); ) {
    const request = join(control, `bare-request-${i}.json`);
    if (!existsSync(request)) {
      await new Promise((resolve) => setTimeout(resolve, 50));
      continue;
    }
    const text = readFileSync(join(control, 'bare-data.json'), 'utf8');
    const result = await open(control, chartDir, JSON.parse(readFileSync(request, 'utf8')) as BareRequest, text);
    writeFileSync(join(control, `bare-result-${i}.json`), JSON.stringify(result));
    i++;
  }
}
