import type { EvolveSummary } from '../evolve/evolve-summary.js';
import { escapeHtml } from './escape-html.js';
import { formatDuration } from './format.js';
import type { PolicyGroup } from '../evolve/policy-groups.js';
import { renderMetricsTable } from './metrics-table.js';
import { renderPolicyGroups } from './policy-groups.js';
import { renderRepairExamples } from './repair-examples.js';
import { loadReportTemplate, type ReportTemplate } from './report-template.js';
import { renderRoundCurves } from './round-curves.js';
import { renderSafetyFront } from './safety-front.js';
import { renderTrainingTable, renderZeroVarianceChart } from './training-table.js';

type SectionId = keyof ReportTemplate['sections'];

function section(template: ReportTemplate, id: SectionId, body: string): string {
  const { title, text } = template.sections[id];
  return `<section id="${id}"><h2>${escapeHtml(title)}</h2><p class="note">${escapeHtml(text)}</p>${body}</section>`;
}

function runHeader(summary: EvolveSummary, template: ReportTemplate, title: string): string {
  const labels = template.header;
  const status = summary.finished
    ? `<span class="status-finished">${escapeHtml(labels.finished)}</span>`
    : `<span class="status-unfinished">${escapeHtml(labels.unfinished)}</span>`;
  const fields: [string, string][] = [
    [labels.run, escapeHtml(summary.run)],
    [labels.preset, escapeHtml(summary.preset)],
    [labels.policy, escapeHtml(summary.policy)],
    [labels.seed, String(summary.seed)],
    [labels.methods, escapeHtml(summary.methods.map((method) => template.methods[method].label).join(', '))],
    [labels.rounds, String(summary.rounds)],
    [labels.duration, escapeHtml(formatDuration(summary.seconds))],
    ...(summary.workSeconds !== undefined ? ([[labels.work, escapeHtml(formatDuration(summary.workSeconds))]] as [string, string][]) : []),
    [labels.status, status],
  ];
  const list = fields.map(([label, value]) => `<dt>${escapeHtml(label)}</dt><dd>${value}</dd>`).join('');
  return `<header id="run" data-run="${escapeHtml(summary.run)}" data-finished="${summary.finished}"><h1>${escapeHtml(title)}</h1><dl class="run">${list}</dl></header>`;
}

function methodLegend(summary: EvolveSummary, template: ReportTemplate): string {
  const items = [{ id: 'base' as const }, ...summary.results.map((result) => ({ id: result.method }))].map(({ id }) => {
    const style = template.methods[id];
    return `<li data-method="${escapeHtml(id)}"><span class="swatch" style="background:${escapeHtml(style.color)}"></span>${escapeHtml(style.label)}</li>`;
  });
  return `<ul class="legend">${items.join('')}</ul>`;
}

/**
 * The `fate evolve` report as one self-contained HTML document (inline CSS and SVG, no scripts,
 * no external resources): the run header (`#run`), the methods × metrics table
 * (`table#metrics`), per-round curves (`svg.chart[data-chart=asr|hcr|brr|benign-utility|tsr]`),
 * the safety-vs-utility scatter with fronts and hypervolumes (`svg.chart[data-chart=front]`),
 * training statistics per round (`table#training`, `svg.chart[data-chart=zero-variance]`), the
 * stage-2 groups when given (`details.groups`: objective scores, PFPO levels, advantages) and the
 * failure → repair examples (`article.example`). Every string from the summary is HTML-escaped.
 */
export function renderEvolveReport(summary: EvolveSummary, options: { groups?: readonly PolicyGroup[] } = {}): string {
  const template = loadReportTemplate();
  const title = template.title.replaceAll('{run}', summary.run);
  const body = [
    runHeader(summary, template, title),
    section(template, 'metrics', renderMetricsTable(summary, template)),
    section(template, 'curves', methodLegend(summary, template) + renderRoundCurves(summary, template)),
    section(template, 'front', renderSafetyFront(summary, template)),
    section(template, 'training', renderTrainingTable(summary, template) + renderZeroVarianceChart(summary, template)),
    section(template, 'groups', renderPolicyGroups(summary, options.groups ?? [], template)),
    section(template, 'examples', renderRepairExamples(summary, template)),
  ];
  return [
    '<!DOCTYPE html>',
    '<html lang="en">',
    '<head>',
    '<meta charset="utf-8">',
    '<meta name="viewport" content="width=device-width, initial-scale=1">',
    `<title>${escapeHtml(title)}</title>`,
    `<style>\n${template.css.join('\n')}\n</style>`,
    '</head>',
    '<body>',
    ...body,
    '</body>',
    '</html>',
    '',
  ].join('\n');
}
