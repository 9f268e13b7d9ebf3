// A DevTools trace of the editor's browser while the benchmark clicks Compare (TRIALBOOK_BENCH_TRACE=open: new panels;
// =warm: new selections in the open panel), for bench/editorTrace.mjs to say what the renderer's main thread did
// after each click. Each click is marked on the runs table's page (`performance.mark(CLICK_MARK)`).
import { writeFileSync } from 'node:fs';

export const CLICK_MARK = 'trialbook-compare-click';

/** The table page's click on Compare, marked for the trace: returns the epoch ms of the click. */
export function clickCompare() {
  const t = Date.now();
  performance.mark('trialbook-compare-click');
  document.querySelector('#compare').click();
  return t;
}

const CATEGORIES = [
  'devtools.timeline', 'disabled-by-default-devtools.timeline', 'v8.execute', 'toplevel', 'blink.user_timing',
  'loading', 'navigation', '__metadata',
];

/**
 * Starts tracing `page`'s browser when TRIALBOOK_BENCH_TRACE names `stage`; the returned stop writes the events (and
 * `extra`, the stage's timings) to `file`. Without the setting, both do nothing.
 * @param {import('playwright-core').Page} page
 * @param {'open' | 'warm'} stage
 */
export async function traceStage(page, stage) {
  if (process.env.TRIALBOOK_BENCH_TRACE !== stage) return { stop: async () => undefined };
  const session = await page.context().newCDPSession(page);
  const traceEvents = [];
  session.on('Tracing.dataCollected', (e) => traceEvents.push(...e.value));
  await session.send('Tracing.start', { transferMode: 'ReportEvents', traceConfig: { includedCategories: CATEGORIES } });
  return {
    /** @param {string} file @param {unknown} extra */
    stop: async (file, extra) => {
      const done = new Promise((resolve) => session.once('Tracing.tracingComplete', resolve));
      await session.send('Tracing.end');
      await done;
      writeFileSync(file, JSON.stringify({ traceEvents, extra }));
      console.log(`  trace of the ${stage} clicks: ${file} (node bench/editorTrace.mjs ${file})`);
    },
  };
}
