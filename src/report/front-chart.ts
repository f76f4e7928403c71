import { openChart, pixel, renderAxes, scaleX, scaleY, type ChartFrame, type Domain } from './chart-frame.js';
import { escapeHtml } from './escape-html.js';

/** A marker on the safety/utility plane. */
export interface FrontMarker {
  utility: number;
  security: number;
  /** Short text drawn beside the marker (the round). */
  label: string;
  tooltip: string;
}

/** One method on the plane: its dev markers per round (base excluded) and its test marker. */
export interface FrontSeries {
  id: string;
  color: string;
  dev: readonly FrontMarker[];
  test: FrontMarker | null;
}

/** What the safety-vs-utility chart shows. */
export interface FrontChartOptions {
  chartId: string;
  title: string;
  xLabel: string;
  yLabel: string;
  /** The base policy's markers, drawn once in `baseColor`. */
  base: { dev: FrontMarker; test: FrontMarker | null; color: string };
  series: readonly FrontSeries[];
}

const width = 640;
const height = 440;

/** The points no other point beats on both axes, sorted by utility ascending (security descending). */
export function paretoFront2d<Point extends { utility: number; security: number }>(points: readonly Point[]): Point[] {
  const byUtility = [...points].sort((a, b) => b.utility - a.utility || b.security - a.security);
  const front: Point[] = [];
  let bestSecurity = Number.NEGATIVE_INFINITY;
  for (const point of byUtility) {
    if (point.security > bestSecurity) {
      front.push(point);
      bestSecurity = point.security;
    }
  }
  return front.reverse();
}

/** A domain around `values` snapped to tenths, at least 0.2 wide, inside [0, 1]. */
export function snappedDomain(values: readonly number[]): Domain {
  if (values.length === 0) return { min: 0, max: 1 };
  let min = Math.max(0, Math.floor(Math.min(...values) * 10 - 0.5) / 10);
  let max = Math.min(1, Math.ceil(Math.max(...values) * 10 + 0.5) / 10);
  while (max - min < 0.2 - 1e-9) {
    if (min > 0) min = Math.max(0, min - 0.1);
    else max = Math.min(1, max + 0.1);
  }
  return { min: Math.round(min * 10) / 10, max: Math.round(max * 10) / 10 };
}

function tenths(domain: Domain): number[] {
  const ticks: number[] = [];
  for (let tick = Math.round(domain.min * 10); tick <= Math.round(domain.max * 10); tick += 1) ticks.push(tick / 10);
  return ticks;
}

/** The attainment staircase of a front (maximising both axes), from the left edge to the bottom edge. */
function stepPath(frame: ChartFrame, front: readonly FrontMarker[]): string {
  const first = front[0];
  if (first === undefined) return '';
  const commands = [`M${pixel(scaleX(frame, frame.x.min))} ${pixel(scaleY(frame, first.security))}`];
  for (let index = 0; index < front.length; index += 1) {
    const point = front[index]!;
    commands.push(`H${pixel(scaleX(frame, point.utility))}`);
    const next = front[index + 1];
    commands.push(`V${pixel(scaleY(frame, next === undefined ? frame.y.min : next.security))}`);
  }
  return commands.join(' ');
}

function circle(frame: ChartFrame, marker: FrontMarker, color: string, kind: string): string {
  const x = scaleX(frame, marker.utility);
  const y = scaleY(frame, marker.security);
  return (
    `<circle class="marker" data-kind="${kind}" cx="${pixel(x)}" cy="${pixel(y)}" r="4.5" fill="${color}" fill-opacity="0.85" stroke="#fff" stroke-width="1">` +
    `<title>${escapeHtml(marker.tooltip)}</title></circle>` +
    `<text class="point-label" x="${pixel(x + 6)}" y="${pixel(y - 6)}">${escapeHtml(marker.label)}</text>`
  );
}

function square(frame: ChartFrame, marker: FrontMarker, color: string): string {
  const x = scaleX(frame, marker.utility);
  const y = scaleY(frame, marker.security);
  return (
    `<rect class="marker" data-kind="test" x="${pixel(x - 5)}" y="${pixel(y - 5)}" width="10" height="10" fill="none" stroke="${color}" stroke-width="2">` +
    `<title>${escapeHtml(marker.tooltip)}</title></rect>`
  );
}

/**
 * The safety-vs-utility scatter: x utility, y security, a circle per method per round on dev
 * (labelled with the round), a hollow square per test point, and each method's Pareto front over
 * its dev markers and the base's as a dashed step line (`<path class="front">`). Domains are snapped to tenths
 * around every marker.
 */
export function renderFrontChart(options: FrontChartOptions): string {
  const everyMarker = [
    options.base.dev,
    ...(options.base.test === null ? [] : [options.base.test]),
    ...options.series.flatMap((series) => [...series.dev, ...(series.test === null ? [] : [series.test])]),
  ];
  const frame: ChartFrame = {
    width,
    height,
    margin: { left: 48, right: 18, top: 14, bottom: 40 },
    x: snappedDomain(everyMarker.map((marker) => marker.utility)),
    y: snappedDomain(everyMarker.map((marker) => marker.security)),
  };
  const parts = [
    openChart(frame, options.chartId, options.title),
    renderAxes(frame, { xTicks: tenths(frame.x), yTicks: tenths(frame.y), xLabel: options.xLabel, yLabel: options.yLabel, xDigits: 1, yDigits: 1 }),
  ];
  for (const series of options.series) {
    const color = escapeHtml(series.color);
    parts.push(`<g class="series-group" data-series="${escapeHtml(series.id)}">`);
    parts.push(`<path class="front" d="${stepPath(frame, paretoFront2d([options.base.dev, ...series.dev]))}" stroke="${color}"/>`);
    for (const marker of series.dev) parts.push(circle(frame, marker, color, 'dev'));
    if (series.test !== null) parts.push(square(frame, series.test, color));
    parts.push('</g>');
  }
  const baseColor = escapeHtml(options.base.color);
  parts.push(`<g class="series-group" data-series="base">${circle(frame, options.base.dev, baseColor, 'dev')}`);
  if (options.base.test !== null) parts.push(square(frame, options.base.test, baseColor));
  parts.push('</g></svg>');
  return parts.join('');
}
