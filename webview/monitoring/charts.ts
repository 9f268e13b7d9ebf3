// The dashboard's two canvases: performance over time against the training baseline band, and one feature's
// reference and batch distributions overlaid. Colours come from the theme; text is drawn with fillText only.
import { formatNumber } from '../../src/shared/format';

function themeColor(name: string, fallback: string): string {
  return getComputedStyle(document.body).getPropertyValue(name).trim() || fallback;
}

function sized(canvas: HTMLCanvasElement, width: number, height: number): CanvasRenderingContext2D | null {
  const ratio = window.devicePixelRatio || 1;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  const ctx = canvas.getContext('2d');
  ctx?.scale(ratio, ratio);
  return ctx;
}

export interface PerfPoint { time: number; value: number | null; status: 'ok' | 'warning' | 'alert'; reliable: boolean }

/** Values over time; the band is baseline × (1 ± band) and the dashed line the baseline itself. */
export function drawPerformance(canvas: HTMLCanvasElement, points: readonly PerfPoint[], baseline: number | undefined, band: number, width: number): void {
  const height = 220;
  const ctx = sized(canvas, width, height);
  if (!ctx) return;
  const fg = themeColor('--vscode-foreground', '#ccc');
  const muted = themeColor('--vscode-descriptionForeground', '#999');
  const line = themeColor('--vscode-charts-blue', '#3794ff');
  const colors = { ok: line, warning: themeColor('--vscode-charts-yellow', '#cca700'), alert: themeColor('--vscode-charts-red', '#f14c4c') };
  const values = points.map((p) => p.value).filter((v): v is number => v !== null);
  if (baseline !== undefined) values.push(baseline * (1 - band), baseline * (1 + band));
  if (values.length === 0 || points.length === 0) {
    ctx.fillStyle = muted;
    ctx.fillText('No metric values yet: log_batch(..., predictions=, labels=) scores the model.', 12, 24);
    return;
  }
  let lo = Math.min(...values);
  let hi = Math.max(...values);
  if (hi - lo < 1e-9) { lo -= 0.5; hi += 0.5; }
  const pad = (hi - lo) * 0.08;
  lo -= pad; hi += pad;
  const t0 = points[0]?.time ?? 0;
  const t1 = points[points.length - 1]?.time ?? t0 + 1;
  const left = 56; const right = width - 12; const top = 10; const bottom = height - 26;
  const x = (t: number): number => (t1 > t0 ? left + ((t - t0) / (t1 - t0)) * (right - left) : (left + right) / 2);
  const y = (v: number): number => bottom - ((v - lo) / (hi - lo)) * (bottom - top);
  ctx.font = '11px sans-serif';
  ctx.fillStyle = muted;
  for (let i = 0; i <= 4; i++) {
    const v = lo + ((hi - lo) * i) / 4;
    ctx.fillText(formatNumber(v), 4, y(v) + 4);
  }
  ctx.fillText(new Date(t0).toISOString().slice(0, 10), left, height - 8);
  const last = new Date(t1).toISOString().slice(0, 10);
  ctx.fillText(last, right - ctx.measureText(last).width, height - 8);
  if (baseline !== undefined) {
    ctx.fillStyle = themeColor('--vscode-charts-green', '#89d185');
    ctx.globalAlpha = 0.18;
    ctx.fillRect(left, y(baseline * (1 + band)), right - left, y(baseline * (1 - band)) - y(baseline * (1 + band)));
    ctx.globalAlpha = 1;
    ctx.strokeStyle = themeColor('--vscode-charts-green', '#89d185');
    ctx.setLineDash([5, 4]);
    ctx.beginPath(); ctx.moveTo(left, y(baseline)); ctx.lineTo(right, y(baseline)); ctx.stroke();
    ctx.setLineDash([]);
  }
  ctx.strokeStyle = line;
  ctx.lineWidth = 1.5;
  ctx.beginPath();
  let started = false;
  for (const p of points) {
    if (p.value === null) { started = false; continue; }
    if (started) ctx.lineTo(x(p.time), y(p.value)); else ctx.moveTo(x(p.time), y(p.value));
    started = true;
  }
  ctx.stroke();
  for (const p of points) {
    if (p.value === null) continue;
    ctx.beginPath();
    ctx.arc(x(p.time), y(p.value), p.status === 'ok' ? 2.5 : 4, 0, Math.PI * 2);
    ctx.fillStyle = colors[p.status];
    ctx.strokeStyle = colors[p.status];
    if (p.reliable) ctx.fill(); else ctx.stroke();
  }
  ctx.fillStyle = fg;
}

/** The reference's and the batch's share per bin, side by side. */
export function drawDistributions(canvas: HTMLCanvasElement, labels: readonly string[], reference: readonly number[], batch: readonly number[], width: number): void {
  const height = 200;
  const ctx = sized(canvas, width, height);
  if (!ctx || labels.length === 0) return;
  const refColor = themeColor('--vscode-charts-blue', '#3794ff');
  const batchColor = themeColor('--vscode-charts-orange', '#d18616');
  const muted = themeColor('--vscode-descriptionForeground', '#999');
  const top = 8; const bottom = height - 30; const left = 40; const right = width - 8;
  const max = Math.max(0.01, ...reference, ...batch);
  const slot = (right - left) / labels.length;
  const bar = Math.max(1, slot / 2 - 1);
  ctx.font = '10px sans-serif';
  ctx.fillStyle = muted;
  ctx.fillText(`${formatNumber(max * 100)}%`, 2, top + 8);
  ctx.fillText('0%', 2, bottom);
  labels.forEach((label, i) => {
    const x0 = left + i * slot;
    const r = reference[i] ?? 0;
    const b = batch[i] ?? 0;
    ctx.fillStyle = refColor;
    ctx.fillRect(x0, bottom - (r / max) * (bottom - top), bar, (r / max) * (bottom - top));
    ctx.fillStyle = batchColor;
    ctx.fillRect(x0 + bar + 1, bottom - (b / max) * (bottom - top), bar, (b / max) * (bottom - top));
    if (labels.length <= 12 || i % Math.ceil(labels.length / 8) === 0) {
      ctx.fillStyle = muted;
      const text = label.length > 14 ? `${label.slice(0, 13)}…` : label;
      ctx.fillText(text, x0, bottom + 12 + (i % 2) * 11);
    }
  });
}
