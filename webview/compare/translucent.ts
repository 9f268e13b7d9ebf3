// Run and group colours (hsl() or #rrggbb, as the host and grouping.ts make them) with transparency.

/** `color` with `alpha` (0..1): a faded run, a group's band. Other colour forms are returned as they are. */
export function translucent(color: string, alpha: number): string {
  if (color.startsWith('hsl(')) return `hsla(${color.slice(4, -1)}, ${alpha})`;
  if (/^#[0-9a-f]{6}$/i.test(color)) return `${color}${Math.round(alpha * 255).toString(16).padStart(2, '0')}`;
  return color;
}
