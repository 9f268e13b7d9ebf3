import * as vscode from 'vscode';
import { randomBytes } from 'node:crypto';

/** The folders a webview may load from: only the extension's built webview assets and media. */
export function webviewRoots(extensionUri: vscode.Uri): vscode.Uri[] {
  return [vscode.Uri.joinPath(extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(extensionUri, 'media')];
}

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
  ].join('; ');
  const links = styles.map((s) => `<link rel="stylesheet" href="${asset('media', s)}">`).join('\n');
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="UTF-8">
<meta http-equiv="Content-Security-Policy" content="${csp}">
<meta name="viewport" content="width=device-width, initial-scale=1.0">
${links}
<title>${title.replace(/[<>&"]/g, '')}</title>
</head>
<body>
<div id="app" data-nonce="${nonce}"></div>
<script nonce="${nonce}" src="${asset('dist', 'webview', script)}"></script>
</body>
</html>`;
}
