// Logged Markdown, rendered sanitised: markdown-it with HTML disabled (raw HTML such as <script> shows as text), then
// only an allowlist of elements and attributes is kept, and links open through the host (which asks first).
// markdown-it comes in a bundle of its own (webview/markdown), loaded when the page first shows Markdown.
import { el } from '../shared/dom';
import { markdownRenderer, type MarkdownRenderer } from '../shared/markdownGlobal';

// The page's own script, read while it runs: the Markdown bundle sits beside it, and runs only with its nonce.
const pageScript = document.currentScript instanceof HTMLScriptElement ? document.currentScript : undefined;
let loading: Promise<MarkdownRenderer> | undefined;

/** Loads the renderer's bundle once; a failed load is tried again by the next Markdown shown. */
function loadRenderer(): Promise<MarkdownRenderer> {
  loading ??= new Promise<MarkdownRenderer>((resolve, reject) => {
    if (!pageScript?.src) {
      reject(new Error('this page cannot tell where its Markdown renderer is'));
      return;
    }
    const script = document.createElement('script');
    script.nonce = pageScript.nonce ?? '';
    // Not one of the page's own files: the page loader leaves its failure to this function (pageLoader.ts).
    script.dataset.optional = '';
    script.src = new URL('markdown.js', pageScript.src).href;
    script.onload = () => {
      const loaded = markdownRenderer();
      if (loaded) resolve(loaded);
      else reject(new Error('the Markdown renderer did not start'));
    };
    script.onerror = () => reject(new Error('the Markdown renderer could not be loaded'));
    document.head.append(script);
  }).catch((err: unknown) => {
    loading = undefined;
    throw err;
  });
  return loading;
}

const ALLOWED = new Set(['P', 'H1', 'H2', 'H3', 'H4', 'H5', 'H6', 'EM', 'STRONG', 'CODE', 'PRE', 'BLOCKQUOTE', 'UL', 'OL', 'LI', 'A',
  'TABLE', 'THEAD', 'TBODY', 'TR', 'TH', 'TD', 'HR', 'BR', 'S', 'DEL']);

/** Copies only allowed elements (text inside any other is kept as text) and, of attributes, only a link's href. */
function sanitized(from: Node, to: Node, onLink: (url: string) => void): void {
  for (const child of Array.from(from.childNodes)) {
    if (child.nodeType === Node.TEXT_NODE) {
      to.appendChild(document.createTextNode(child.textContent ?? ''));
    } else if (child instanceof Element) {
      if (!ALLOWED.has(child.tagName)) {
        sanitized(child, to, onLink);
        continue;
      }
      const copy = document.createElement(child.tagName.toLowerCase());
      if (child.tagName === 'A') {
        const href = child.getAttribute('href') ?? '';
        copy.setAttribute('href', '#');
        copy.title = href;
        copy.addEventListener('click', (e) => {
          e.preventDefault();
          onLink(href);
        });
      }
      if (child.tagName === 'OL' && child.getAttribute('start')) copy.setAttribute('start', String(Number(child.getAttribute('start')) || 1));
      sanitized(child, copy, onLink);
      to.appendChild(copy);
    }
  }
}

/** Renders into `box`: parsed by the browser's inert template (no script runs, no image loads), then copied. */
function fill(box: HTMLElement, html: string, onLink: (url: string) => void): void {
  const template = document.createElement('template');
  template.innerHTML = html;
  box.replaceChildren();
  sanitized(template.content, box, onLink);
}

/**
 * The Markdown as a DOM element: rendered at once when the renderer is loaded; else its source as text until then (or,
 * should the renderer fail to load, with a line saying so).
 */
export function renderMarkdown(source: string, onLink: (url: string) => void): HTMLElement {
  const box = el('div', { className: 'media-markdown' });
  const render = markdownRenderer();
  if (render) {
    fill(box, render(source), onLink);
    return box;
  }
  box.classList.add('source');
  box.textContent = source;
  loadRenderer().then(
    (loaded) => {
      box.classList.remove('source');
      fill(box, loaded(source), onLink);
    },
    (err: unknown) => {
      const why = err instanceof Error ? err.message : String(err);
      box.prepend(el('div', { className: 'media-note' }, `Shown as text: ${why}. Close the panel and open it again to retry.`));
    },
  );
  return box;
}
