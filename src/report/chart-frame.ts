import { escapeHtml } from './escape-html.js';

/** A closed interval of data values shown along one axis. */
export interface Domain {
  min: number;
  max: number;
}

/** The geometry of one SVG chart: its size in pixels, the plot margins and the data domains. */
export interface ChartFrame {
  width: number;
  height: number;
  margin: { left: number; right: number; top: number; bottom: number };
  x: Domain;
  y: Domain;
}

/** Axis ticks and titles. */
export interface AxesOptions {
  xTicks: readonly number[];
  yTicks: readonly number[];
  xLabel: string;
  yLabel: string;
  /** Digits after the decimal point on tick labels. */
  xDigits: number;
  yDigits: number;
}

/** A pixel coordinate as SVG text (one decimal, no trailing noise). */
export function pixel(value: number): string {
  return String(Math.round(value * 10) / 10);
}

/** The horizontal pixel position of data value `value`. */
export function scaleX(frame: ChartFrame, value: number): number {
  const span = frame.x.max - frame.x.min || 1;
  return frame.margin.left + ((value - frame.x.min) / span) * (frame.width - frame.margin.left - frame.margin.right);
}

/** The vertical pixel position of data value `value` (larger values higher up). */
export function scaleY(frame: ChartFrame, value: number): number {
  const span = frame.y.max - frame.y.min || 1;
  return frame.height - frame.margin.bottom - ((value - frame.y.min) / span) * (frame.height - frame.margin.top - frame.margin.bottom);
}

/**
 * The opening `<svg>` of a chart: class `chart`, `data-chart` = `chartId`, explicit width and
 * height (so it has a size before CSS) and an accessible title.
 */
export function openChart(frame: ChartFrame, chartId: string, title: string): string {
  return (
    `<svg class="chart" data-chart="${escapeHtml(chartId)}" xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${frame.width} ${frame.height}" ` +
    `width="${frame.width}" height="${frame.height}" role="img" aria-label="${escapeHtml(title)}"><title>${escapeHtml(title)}</title>`
  );
}

/** Grid lines, the two axis lines, tick labels and axis titles. */
export function renderAxes(frame: ChartFrame, options: AxesOptions): string {
  const left = frame.margin.left;
  const right = frame.width - frame.margin.right;
  const top = frame.margin.top;
  const bottom = frame.height - frame.margin.bottom;
  const parts: string[] = ['<g class="axes">'];
  for (const tick of options.yTicks) {
    const y = pixel(scaleY(frame, tick));
    parts.push(`<line class="grid" x1="${left}" x2="${right}" y1="${y}" y2="${y}"/>`);
    parts.push(`<text x="${left - 6}" y="${y}" text-anchor="end" dominant-baseline="middle">${tick.toFixed(options.yDigits)}</text>`);
  }
  for (const tick of options.xTicks) {
    const x = pixel(scaleX(frame, tick));
    parts.push(`<line class="grid" x1="${x}" x2="${x}" y1="${top}" y2="${bottom}"/>`);
    parts.push(`<text x="${x}" y="${bottom + 14}" text-anchor="middle">${tick.toFixed(options.xDigits)}</text>`);
  }
  parts.push(`<line class="axis" x1="${left}" x2="${right}" y1="${bottom}" y2="${bottom}"/>`);
  parts.push(`<line class="axis" x1="${left}" x2="${left}" y1="${top}" y2="${bottom}"/>`);
  parts.push(`<text x="${pixel((left + right) / 2)}" y="${frame.height - 4}" text-anchor="middle">${escapeHtml(options.xLabel)}</text>`);
  parts.push(
    `<text x="12" y="${pixel((top + bottom) / 2)}" text-anchor="middle" transform="rotate(-90 12 ${pixel((top + bottom) / 2)})">${escapeHtml(options.yLabel)}</text>`,
  );
  parts.push('</g>');
  return parts.join('');
}

/** `count + 1` evenly spaced ticks from `domain.min` to `domain.max`. */
export function evenTicks(domain: Domain, count: number): number[] {
  return Array.from({ length: count + 1 }, (_unused, index) => domain.min + ((domain.max - domain.min) * index) / count);
}
