// A diverging colour scale (blue, through grey, to red) in a fixed number of steps, so lines of one colour can be
// drawn as one path: a redraw strokes at most STEPS paths, whatever the number of runs.
export const STEPS = 32;
export const MISSING = 'rgba(128, 128, 128, 0.5)';

const LOW = [49, 104, 201];
const MID = [170, 170, 170];
const HIGH = [214, 69, 59];

function mix(a: number[], b: number[], t: number): string {
  const c = a.map((x, i) => Math.round(x + ((b[i] ?? x) - x) * t));
  return `rgb(${c.join(', ')})`;
}

export const PALETTE: readonly string[] = Array.from({ length: STEPS }, (_, i) => {
  const t = i / (STEPS - 1);
  return t < 0.5 ? mix(LOW, MID, t * 2) : mix(MID, HIGH, (t - 0.5) * 2);
});

/** The step of a 0…1 position, or -1 for a missing value. */
export function colorStep(unit: number): number {
  if (Number.isNaN(unit)) return -1;
  return Math.max(0, Math.min(STEPS - 1, Math.round(unit * (STEPS - 1))));
}

export function colorOf(unit: number): string {
  const step = colorStep(unit);
  return step < 0 ? MISSING : PALETTE[step] ?? MISSING;
}
