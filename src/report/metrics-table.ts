import type { SuiteMetrics } from '../eval/metrics.js';
import { hypervolume } from '../eval/hypervolume.js';
import type { EvolveMethodResult, EvolveSummary } from '../evolve/evolve-summary.js';
import { escapeHtml } from './escape-html.js';
import { formatNumber } from './format.js';
import { lookUpMetric } from './metric-lookup.js';
import type { ReportTemplate } from './report-template.js';

/** The metrics a row shows: the test evaluation when there is one, the last dev evaluation otherwise. */
export function finalMetrics(result: EvolveMethodResult): { split: 'test' | 'dev'; metrics: SuiteMetrics } | undefined {
  if (result.test !== null) return { split: 'test', metrics: result.test };
  const last = result.rounds.at(-1);
  return last === undefined ? undefined : { split: 'dev', metrics: last.dev };
}

function headerCells(template: ReportTemplate): string {
  const metricCells = template.metrics.map(
    (metric) =>
      `<th scope="col" data-metric="${escapeHtml(metric.id)}" title="${escapeHtml(metric.better)} is better">${escapeHtml(metric.label)} ${escapeHtml(template.better[metric.better])}</th>`,
  );
  return [
    `<th scope="col">${escapeHtml(template.table.method)}</th>`,
    `<th scope="col">${escapeHtml(template.table.split)}</th>`,
    ...metricCells,
    `<th scope="col" data-metric="hypervolume" title="higher is better">${escapeHtml(template.table.hypervolume)} ${escapeHtml(template.better.higher)}</th>`,
  ].join('');
}

function metricCells(template: ReportTemplate, metrics: SuiteMetrics | undefined): string {
  return template.metrics
    .map((column) => {
      const metric = metrics === undefined ? undefined : lookUpMetric(metrics, column);
      if (metric === undefined) return `<td data-metric="${escapeHtml(column.id)}" class="missing">${escapeHtml(template.missing)}</td>`;
      return (
        `<td data-metric="${escapeHtml(column.id)}" data-value="${metric.value}">${metric.value.toFixed(3)}` +
        `<span class="ci">[${metric.ci95[0].toFixed(3)}, ${metric.ci95[1].toFixed(3)}]</span><span class="n">n=${metric.n}</span></td>`
      );
    })
    .join('');
}

function row(attributes: string, label: string, color: string, split: string, cells: string, hypervolumeValue: number, missing: string): string {
  return (
    `<tr ${attributes}><th scope="row"><span class="swatch" style="background:${escapeHtml(color)}"></span>${escapeHtml(label)}</th>` +
    `<td>${escapeHtml(split)}</td>${cells}<td data-metric="hypervolume" data-value="${hypervolumeValue}">${formatNumber(hypervolumeValue, missing)}</td></tr>`
  );
}

/**
 * `<table id="metrics">`: the base row first, then one row per method (`data-method`), each on
 * test when evaluated there and on dev otherwise (`data-split`); every rate with its 95% interval
 * and n, and the hypervolume (the base's is that of its own dev point).
 */
export function renderMetricsTable(summary: EvolveSummary, template: ReportTemplate): string {
  const base = summary.base.test === null ? { split: 'dev', metrics: summary.base.dev } : { split: 'test', metrics: summary.base.test };
  const rows = [
    row(
      `class="base" data-method="base" data-split="${base.split}"`,
      template.methods.base.label,
      template.methods.base.color,
      base.split,
      metricCells(template, base.metrics),
      hypervolume([summary.base.devPoint]),
      template.missing,
    ),
    ...summary.results.map((result) => {
      const final = finalMetrics(result);
      const style = template.methods[result.method];
      return row(
        `data-method="${escapeHtml(result.method)}" data-split="${final?.split ?? ''}"`,
        style.label,
        style.color,
        final?.split ?? template.missing,
        metricCells(template, final?.metrics),
        result.hypervolume,
        template.missing,
      );
    }),
  ];
  return `<div class="table-wrap"><table id="metrics"><thead><tr>${headerCells(template)}</tr></thead><tbody>${rows.join('')}</tbody></table></div>`;
}
