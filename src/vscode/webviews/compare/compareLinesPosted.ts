// What the compare host has posted to its page since the page's last full comparison (`data`) or live update: the
// charts whose lines went in `lines` messages, by kind of axis (an x-axis switch does not ask for them again), the
// points sent per line, and the type and size of the latest comparison messages (the tests read them).
import type { CompareLine, HostToCompareMessage, XAxisKind } from '../../../shared/webviews/compare/contract';
import { narrowLines } from '../../../shared/webviews/compare/wireLines';
import { messageBytes } from '../messageBytes';

/** Comparison messages kept for the tests (a comparison of many charts posts two per chart: both x axes). */
const MESSAGES_KEPT = 200;

/** A kind of axis: relative and wall time are one kind (the page converts between them). */
const postedKey = (xAxis: XAxisKind, metric: string): string => `${xAxis === 'step' ? 'step' : 'time'}\u0000${metric}`;

export class CompareLinesPosted {
  private readonly charts = new Set<string>();
  /** Charts being read for a `lines` message (by the follow or a page's ask), so that no other path reads them too. */
  private readonly reading = new Set<string>();
  /** Counts the page's fresh starts (`forget`): a line read for an earlier one is not posted. */
  private epoch = 0;
  /** The `lines` messages in order, as `${xAxis}/${metric}`. */
  private log: string[] = [];
  /** Points sent per `${runId}/${metric}` for the axis the page shows. */
  private points = new Map<string, number>();
  private readonly messages: Array<{ type: string; bytes: number; metrics?: string[] }> = [];

  /** `deliver` posts a message (ahead of the page's ready, or not). */
  constructor(private readonly deliver: (message: HostToCompareMessage, ahead: boolean) => Promise<void>) {}

  /** Posts a comparison message, keeping its type and size (a `data` message starts the list again). */
  post(message: HostToCompareMessage, ahead = false): Promise<void> {
    if (message.type === 'data') this.messages.length = 0;
    if (this.messages.length >= MESSAGES_KEPT) this.messages.shift();
    this.messages.push({ type: message.type, bytes: messageBytes(message), ...(message.type === 'lines' ? { metrics: [...message.metrics] } : {}) });
    return this.deliver(message, ahead);
  }

  /** One chart's lines on `xAxis`, posted (in single precision where that loses nothing: wireLines.ts) and remembered. */
  postLines(metric: string, lines: CompareLine[], xAxis: Exclude<XAxisKind, 'metric'>, ahead = false): Promise<void> {
    this.charts.add(postedKey(xAxis, metric));
    this.reading.delete(postedKey(xAxis, metric));
    this.log.push(`${xAxis}/${metric}`);
    return this.post({ type: 'lines', metrics: [metric], lines: narrowLines(lines, xAxis), xAxis }, ahead);
  }

  /** Whether the page was sent `metric`'s lines on `xAxis` (or on the other time axis) since it last forgot them. */
  has(xAxis: XAxisKind, metric: string): boolean {
    return this.charts.has(postedKey(xAxis, metric));
  }

  /** Whether `metric`'s lines on `xAxis` were posted or are being read for posting. */
  taken(xAxis: XAxisKind, metric: string): boolean {
    return this.has(xAxis, metric) || this.reading.has(postedKey(xAxis, metric));
  }

  /**
   * Claims `metric`'s lines on `xAxis` for one reader: false if they were posted or another reader has them. The
   * claim ends with `postLines` or `release` (a reader that stopped).
   */
  claim(xAxis: XAxisKind, metric: string): boolean {
    if (this.taken(xAxis, metric)) return false;
    this.reading.add(postedKey(xAxis, metric));
    return true;
  }

  release(xAxis: XAxisKind, metric: string): void {
    this.reading.delete(postedKey(xAxis, metric));
  }

  /** The page's current start: a reader compares it before posting. */
  get generation(): number {
    return this.epoch;
  }

  /** A `data` or `update` message: the page holds none of the lines posted before it. */
  forget(): void {
    this.charts.clear();
    this.reading.clear();
    this.epoch++;
    this.log = [];
  }

  /** Whether any chart is being read for the page. */
  get busy(): boolean {
    return this.reading.size > 0;
  }

  /** The lines the page shows are these (a full comparison), or none yet. */
  showing(lines: readonly CompareLine[] = []): void {
    this.points = new Map(lines.map((line) => [`${line.runId}/${line.metric}`, line.xs.length]));
  }

  /** Lines of the shown axis on their way to the page, added to what it shows. */
  shown(lines: readonly CompareLine[]): void {
    for (const line of lines) this.points.set(`${line.runId}/${line.metric}`, line.xs.length);
  }

  /** For the tests (ComparePanelInfo). */
  info(): { pointsSent: Record<string, number>; linesSent: string[]; messages: Array<{ type: string; bytes: number; metrics?: string[] }> } {
    return { pointsSent: Object.fromEntries(this.points), linesSent: [...this.log], messages: this.messages.map((m) => ({ ...m })) };
  }
}
