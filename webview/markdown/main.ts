// Logged Markdown's renderer, in a bundle of its own (dist/webview/markdown.js): a page loads it when it first shows
// Markdown (compare/mediaText.ts). markdown-it is a third of the compare page's bundle, which every new panel fetches
// through VS Code's webview resource loader and compiles before it can draw; few runs log Markdown.
import MarkdownIt from 'markdown-it';
import { markdownGlobal, type MarkdownRenderer } from '../shared/markdownGlobal';

const markdown = new MarkdownIt({ html: false, linkify: true, typographer: false });
const render: MarkdownRenderer = (source) => markdown.render(source);
(globalThis as Record<string, unknown>)[markdownGlobal] = render;
