import { evenTicks, openChart, pixel, renderAxes, scaleX, scaleY, type ChartFrame } from './chart-frame.js';
import { escapeHtml } from './escape-html.js';

/** One point of a line: its position and the tooltip shown on hover. */
export interface LinePoint {
  x: number;
  y: number;
  tooltip: string;
}

/** One line of a chart (one method). */
export interface LineSeries {
  /** Stable identifier, written to `data-series`. */
  id: string;
  color: string;
  points: readonly LinePoint[];
}

/** What a small per-round line chart shows. */
export interface LineChartOptions {
  /** Written to `data-chart`. */
  chartId: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** Shown in the plot when no series has a point. */
  noData: string;
  series: readonly LineSeries[];
}

const width = 360;
const height = 220;

/**
 * A small line chart of rates in [0, 1] over integer x (rounds): one `<path class="series">` and
 * one `<circle>` per point for each series, points carrying `<title>` tooltips and `data-x` /
 * `data-y`. The x axis spans 0 to the largest x (at least 1), one tick per integer.
 */
export function renderLineChart(options: LineChartOptions): string {
  const largestX = Math.max(1, ...options.series.flatMap((series) => series.points.map((point) => point.x)));
  const frame: ChartFrame = { width, height, margin: { left: 44, right: 14, top: 12, bottom: 36 }, x: { min: 0, max: largestX }, y: { min: 0, max: 1 } };
  const xTicks = Array.from({ length: Math.floor(largestX) + 1 }, (_unused, index) => index);
  const parts = [
    openChart(frame, options.chartId, options.title),
    renderAxes(frame, { xTicks, yTicks: evenTicks(frame.y, 4), xLabel: options.xLabel, yLabel: options.yLabel, xDigits: 0, yDigits: 2 }),
  ];
  const drawn = options.series.filter((series) => series.points.length > 0);
  if (drawn.length === 0) {
    parts.push(`<text class="no-data" x="${pixel(width / 2)}" y="${pixel(height / 2)}" text-anchor="middle">${escapeHtml(options.noData)}</text>`);
  }
  for (const series of drawn) {
    const sorted = [...series.points].sort((a, b) => a.x - b.x);
    const color = escapeHtml(series.color);
    const path = sorted.map((point, index) => `${index === 0 ? 'M' : 'L'}${pixel(scaleX(frame, point.x))} ${pixel(scaleY(frame, point.y))}`).join(' ');
    parts.push(`<g class="series-group" data-series="${escapeHtml(series.id)}">`);
    parts.push(`<path class="series" d="${path}" stroke="${color}"/>`);
    for (const point of sorted) {
      parts.push(
        `<circle cx="${pixel(scaleX(frame, point.x))}" cy="${pixel(scaleY(frame, point.y))}" r="3.5" fill="${color}" data-x="${point.x}" data-y="${point.y}">` +
          `<title>${escapeHtml(point.tooltip)}</title></circle>`,
      );
    }
    parts.push('</g>');
  }
  parts.push('</svg>');
  return parts.join('');
}
