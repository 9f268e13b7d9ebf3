// Where the Markdown bundle (webview/markdown) leaves its renderer for the page that loaded it (compare/mediaText.ts).

/** Markdown source to HTML: markdown-it with raw HTML off (the page still sanitises what it gets). */
export type MarkdownRenderer = (source: string) => string;

export const markdownGlobal = 'trialbookMarkdown';

/** The renderer, when its bundle has run in this page. */
export function markdownRenderer(): MarkdownRenderer | undefined {
  const found = (globalThis as Record<string, unknown>)[markdownGlobal];
  return typeof found === 'function' ? (found as MarkdownRenderer) : undefined;
}
