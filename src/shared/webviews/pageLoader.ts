// The inline script every page shell runs before the page's own files load (webviewHtml.ts puts it in the page with
// the page's nonce; the webview unit tests run the same text before the page's bundle).

/** What a page's loader says when its own script or style failed to load (see hostedWebview.ts). */
export const assetsFailedType = 'trialbookAssetsFailed';

/** The global through which the page's script takes the messages that came before it ran (see pageLoaderScript). */
export const earlyMessagesGlobal = 'trialbookEarlyMessages';

/**
 * The loader: (1) reports a script or style of the page's own that failed to load (not one marked data-optional,
 * which the page loads later and handles itself; error events of <script> and <link> do not bubble:
 * caught while capturing; only then does it take the VS Code API, which a page may take once: the page did not start
 * anyway); (2) keeps the messages that arrive before the page's script has run. VS Code's webview frame hands the
 * messages it held for a loading page to the page as soon as it has written the page's HTML, not once the page's
 * script (fetched through the service worker) has run: a message posted ahead of the page's ready (the comparison a
 * new Compare panel is sent while it loads) would reach a window with no listener and be lost, leaving the page
 * "Loading runs…" for good. The page's script takes them (earlyMessagesGlobal) and handles them first.
 */
export function pageLoaderScript(): string {
  return `addEventListener('error', (e) => {
  const t = e.target;
  if (window.trialbookAssetsFailed || !(t instanceof HTMLScriptElement || t instanceof HTMLLinkElement) || 'optional' in t.dataset) return;
  window.trialbookAssetsFailed = true;
  acquireVsCodeApi().postMessage({ type: '${assetsFailedType}', asset: String(t.src || t.href).slice(-80) });
}, true);
{
  const early = [];
  const keep = (e) => { early.push(e); };
  addEventListener('message', keep);
  window.${earlyMessagesGlobal} = () => {
    removeEventListener('message', keep);
    return early.splice(0);
  };
}`;
}
