import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';
import { pageLoaderScript } from '../../shared/webviews/pageLoader';

/** The folders a webview may load from: only the extension's built webview assets and media. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

/**
 * A page's loader reports its own script or style failing to load (pageLoader.ts). In the browser (code-server) every
 * webview of a window shares one service worker that serves its files, and each webview registers it anew: when a
 * reload restores two panels at once, the second registration replaces the worker while the first page loads, and
 * that page's requests go to the network (net::ERR_NAME_NOT_RESOLVED), leaving it blank. Loaded again, it starts.
 */
export { assetsFailedType } from '../../shared/webviews/pageLoader';

/**
 * A page shell with a strict CSP: nothing loads unless named here, and only the script carrying this
 * page's nonce runs. Run-supplied text never reaches this HTML: it arrives later as data messages.
 */
export function webviewHtml(webview: vscode.Webview, extensionUri: vscode.Uri, script: string, styles: string[], title: string): string {
  const nonce = randomBytes(16).toString('base64');
  const asset = (...segments: string[]): string => webview.asWebviewUri(vscode.Uri.joinPath(extensionUri, ...segments)).toString();
  const csp = [
    "default-src 'none'",
    `img-src ${webview.cspSource} data:`,
    `style-src ${webview.cspSource}`,
    `font-src ${webview.cspSource}`,
    `script-src 'nonce-${nonce}'`,
    // The compare page's bands worker: its file fetched from the extension, started from a blob (webview/compare/bandsClient.ts).
    `connect-src ${webview.cspSource}`,
    'worker-src blob:',
  ].join('; ');
  const loader = `<script nonce="${nonce}">${pageLoaderScript()}</script>`;
  const links = styles.map((s) => `<link rel="stylesheet" href="${asset('media', s)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${loader}
${links}
<title>${title.replace(/[<>&"]/g, '')}</title>
</head>
<body>
<div id="app" data-nonce="${nonce}"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview', script)}"></script>
</body>
</html>`;
}
