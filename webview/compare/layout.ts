// The chart grid's layout as the host needs it: device pixels across one chart (points worth sending) and how many
// charts show before any scrolling (their lines come first). Cards are at least 420 px wide, 14 px apart.
const GAP = 14;
const MIN_CARD = 420;

function columnsOf(total: number): number {
  return Math.max(1, Math.floor((total + GAP) / (MIN_CARD + GAP)));
}

function gridWidth(grid: HTMLElement): number {
  return grid.clientWidth || document.body.clientWidth;
}

/** Device pixels across one chart's plot area. */
export function chartPixelWidth(grid: HTMLElement): number {
  const total = gridWidth(grid);
  const columns = columnsOf(total);
  const card = (total - GAP * (columns - 1)) / columns;
  // Card padding and the y axis' labels take about 70 px of each card.
  return Math.max(100, Math.round((card - 70) * (window.devicePixelRatio || 1)));
}

/** Charts on screen before any scrolling (cards about 300 px tall under the toolbar). */
export function chartsInView(grid: HTMLElement): number {
  const rows = Math.max(1, Math.ceil((window.innerHeight || 600) / 300));
  return columnsOf(gridWidth(grid)) * rows;
}

/**
 * Calls `changed` with the new chart width when the window has been resized and the width moved by over 10 %
 * (only a real change is worth new data: the host ignores changes that keep the point count).
 */
export function onWidthChange(grid: HTMLElement, last: () => number, changed: (width: number) => void): void {
  let timer: number | undefined;
  window.addEventListener('resize', () => {
    if (timer !== undefined) clearTimeout(timer);
    timer = window.setTimeout(() => {
      const width = chartPixelWidth(grid);
      if (Math.abs(width - last()) / Math.max(last(), 1) > 0.1) changed(width);
    }, 300);
  });
}
