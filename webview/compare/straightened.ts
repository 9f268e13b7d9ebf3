// Fewer vertices for the same drawn line (typedLines.ts strokes every line through it).

/** Where a line's vertices go: a context or a Path2D. */
export interface PathSink {
  moveTo(x: number, y: number): void;
  lineTo(x: number, y: number): void;
}

/**
 * Passes a path on without the vertices that lie within about `tolerance` of the straight segment replacing them
 * (sleeve fitting: each vertex taken narrows the directions from the last vertex passed on that stay within
 * `tolerance` of every vertex dropped since). A smoothed line is nearly straight across many pixel columns, and
 * each vertex costs a Path2D call and rasterisation; a line that turns keeps its vertices.
 */
export class Straightened implements PathSink {
  /** The last vertex passed on. */
  private ax = 0;
  private ay = 0;
  /** The last vertex taken, not passed on yet. */
  private px = 0;
  private py = 0;
  private pending = false;
  /** The directions from the anchor that pass within tolerance of every vertex taken: clockwise and anticlockwise bounds. */
  private lox = 0;
  private loy = 0;
  private hix = 0;
  private hiy = 0;
  private bounded = false;
  /** The farthest vertex taken from the anchor: a vertex back nearer than that is a turn. */
  private far = 0;

  constructor(private readonly to: PathSink, private readonly tolerance: number) {}

  moveTo(x: number, y: number): void {
    this.flush();
    this.to.moveTo(x, y);
    this.anchor(x, y);
  }

  lineTo(x: number, y: number): void {
    if (this.pending && !this.take(x, y)) {
      this.to.lineTo(this.px, this.py);
      this.anchor(this.px, this.py);
      this.take(x, y);
    } else if (!this.pending) this.take(x, y);
    this.px = x;
    this.py = y;
    this.pending = true;
  }

  flush(): void {
    if (this.pending) this.to.lineTo(this.px, this.py);
    this.pending = false;
  }

  private anchor(x: number, y: number): void {
    this.ax = x;
    this.ay = y;
    this.bounded = false;
    this.far = 0;
    this.pending = false;
  }

  /** Whether the vertex can end the segment from the anchor (all taken since stay within tolerance); narrows the directions if so. */
  private take(x: number, y: number): boolean {
    const dx = x - this.ax;
    const dy = y - this.ay;
    const d = Math.sqrt(dx * dx + dy * dy);
    if (d < this.far - this.tolerance) return false;
    if (this.bounded && (this.lox * dy - this.loy * dx < 0 || dx * this.hiy - dy * this.hix < 0)) return false;
    if (d > this.tolerance) {
      // The direction to the vertex turned either way by the angle whose sine is tolerance / distance.
      const s = this.tolerance / d;
      const c = Math.sqrt(1 - s * s);
      const ux = dx / d;
      const uy = dy / d;
      const lx = ux * c + uy * s;
      const ly = uy * c - ux * s;
      const hx = ux * c - uy * s;
      const hy = uy * c + ux * s;
      if (!this.bounded || this.lox * ly - this.loy * lx > 0) {
        this.lox = lx;
        this.loy = ly;
      }
      if (!this.bounded || this.hix * hy - this.hiy * hx < 0) {
        this.hix = hx;
        this.hiy = hy;
      }
      this.bounded = true;
    }
    if (d > this.far) this.far = d;
    return true;
  }
}
