import type { EvolveSummary } from '../evolve/evolve-summary.js';
import { escapeHtml } from './escape-html.js';
import { formatMetricLine } from './format.js';
import { renderLineChart, type LineSeries } from './line-chart.js';
import { lookUpMetric } from './metric-lookup.js';
import type { ReportTemplate } from './report-template.js';

/**
 * One `<figure class="curve">` per curve metric of the template, each holding a line chart
 * (`data-chart` = the metric id) of the dev metric over rounds, round 0 being the base, one line
 * per method.
 */
export function renderRoundCurves(summary: EvolveSummary, template: ReportTemplate): string {
  const figures = template.curves.map((metricId) => {
    const column = template.metrics.find((metric) => metric.id === metricId);
    if (column === undefined) throw new Error(`report template: curve ${metricId} names no metric`);
    const baseMetric = lookUpMetric(summary.base.dev, column);
    const series: LineSeries[] = summary.results.map((result) => {
      const label = template.methods[result.method].label;
      const points = [
        ...(baseMetric === undefined ? [] : [{ round: 0, metric: baseMetric }]),
        ...result.rounds.map((round) => ({ round: round.round, metric: lookUpMetric(round.dev, column) })),
      ].flatMap(({ round, metric }) =>
        metric === undefined ? [] : [{ x: round, y: metric.value, tooltip: `${label} · ${template.axes.round} ${round} · ${column.label} ${formatMetricLine(metric)}` }],
      );
      return { id: result.method, color: template.methods[result.method].color, points };
    });
    const title = `${column.label} ${template.better[column.better]}`;
    const chart = renderLineChart({ chartId: column.id, title, xLabel: template.axes.round, yLabel: column.label, noData: template.noData, series });
    return `<figure class="curve" data-metric="${escapeHtml(column.id)}"><figcaption>${escapeHtml(title)}</figcaption>${chart}</figure>`;
  });
  return `<div class="charts">${figures.join('')}</div>`;
}
