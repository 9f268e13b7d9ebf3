// A stable colour per run: derived from the run id, so a run keeps its colour across charts, panels and sessions.

/** FNV-1a: a small, well-spread string hash. */
function hash(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/** Hue from the id's hash (golden-angle spread), saturation and lightness readable on light and dark themes. */
export function runColor(runId: string): string {
  const h = hash(runId);
  const hue = Math.round(((h % 360) + (h >>> 9) * 137.508) % 360);
  const lightness = 48 + ((h >>> 20) % 3) * 6;
  return `hsl(${hue}, 70%, ${lightness}%)`;
}
