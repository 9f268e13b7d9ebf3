// Logged Markdown, rendered sanitised: markdown-it with HTML disabled (raw HTML such as <script> shows as text), then
// only an allowlist of elements and attributes is kept, and links open through the host (which asks first).
import MarkdownIt from 'markdown-it';
import { el } from '../shared/dom';

/** Built on the first Markdown shown (a few ms a page would otherwise spend at every open, for media few runs log). */
let markdown: MarkdownIt | undefined;

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

/** The Markdown as a DOM fragment: parsed by the browser's inert template (no script runs, no image loads), then copied. */
export function renderMarkdown(source: string, onLink: (url: string) => void): HTMLElement {
  const template = document.createElement('template');
  markdown ??= new MarkdownIt({ html: false, linkify: true, typographer: false });
  template.innerHTML = markdown.render(source);
  const box = el('div', { className: 'media-markdown' });
  sanitized(template.content, box, onLink);
  return box;
}
