// Launches Debian's headless Chromium through playwright-core with a fresh profile and the flags
// that keep it off the network (playwright cannot download its own browsers here).
import { chromium } from 'playwright-core';
import { makeTempDir } from './tempDirs.mjs';

export const CHROMIUM_PATH = process.env.TRIALBOOK_CHROMIUM || '/usr/bin/chromium';

/**
 * @param {{ viewport?: { width: number, height: number }, args?: string[] }} [options] `args`: more Chromium flags (e.g.
 *   `--js-flags=--trace-deopt` for a benchmark looking into the page's JIT)
 * @returns {Promise<{ context: import('playwright-core').BrowserContext, page: import('playwright-core').Page, close: () => Promise<void> }>}
 */
export async function launchBrowser({ viewport = { width: 1400, height: 900 }, args: extra = [] } = {}) {
  const profileDir = makeTempDir('trialbook-chromium-');
  const isRoot = typeof process.getuid === 'function' && process.getuid() === 0;
  const args = [
    '--disable-gpu',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--disable-dev-shm-usage',
    ...extra,
  ];
  if (isRoot) args.push('--no-sandbox');
  const context = await chromium.launchPersistentContext(profileDir, {
    executablePath: CHROMIUM_PATH,
    headless: true,
    args,
    viewport,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  let closed = false;
  return {
    context,
    page,
    close: async () => {
      if (closed) return;
      closed = true;
      await context.close().catch(() => {});
    },
  };
}
