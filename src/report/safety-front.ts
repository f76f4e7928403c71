import type { EvolveSummary, FrontPoint } from '../evolve/evolve-summary.js';
import { escapeHtml } from './escape-html.js';
import { renderFrontChart, type FrontMarker } from './front-chart.js';
import type { ReportTemplate } from './report-template.js';

function marker(point: FrontPoint, label: string, description: string): FrontMarker {
  return {
    utility: point.utility,
    security: point.security,
    label,
    tooltip: `${description}: security ${point.security.toFixed(3)}, utility ${point.utility.toFixed(3)}, 1 − BRR ${point.notOverRefusing.toFixed(3)}`,
  };
}

/**
 * The safety-vs-utility chart (`data-chart="front"`) and its legend: one item per method
 * (`data-method`, `data-hypervolume`) with its colour and hypervolume, and the base.
 */
export function renderSafetyFront(summary: EvolveSummary, template: ReportTemplate): string {
  const { round } = template.axes;
  const baseLabel = template.methods.base.label;
  const chart = renderFrontChart({
    chartId: 'front',
    title: template.sections.front.title,
    xLabel: template.axes.utility,
    yLabel: template.axes.security,
    base: {
      dev: marker(summary.base.devPoint, baseLabel, `${baseLabel} · dev`),
      test: summary.base.testPoint === null ? null : marker(summary.base.testPoint, '', `${baseLabel} · test`),
      color: template.methods.base.color,
    },
    series: summary.results.map((result) => {
      const label = template.methods[result.method].label;
      return {
        id: result.method,
        color: template.methods[result.method].color,
        dev: result.rounds.map((evolveRound) => marker(evolveRound.devPoint, String(evolveRound.round), `${label} · ${round} ${evolveRound.round} · dev`)),
        test: result.testPoint === null ? null : marker(result.testPoint, '', `${label} · test`),
      };
    }),
  });
  const legend = [
    `<li data-method="base"><span class="swatch" style="background:${escapeHtml(template.methods.base.color)}"></span>${escapeHtml(baseLabel)}</li>`,
    ...summary.results.map((result) => {
      const style = template.methods[result.method];
      return (
        `<li data-method="${escapeHtml(result.method)}" data-hypervolume="${result.hypervolume}"><span class="swatch" style="background:${escapeHtml(style.color)}"></span>` +
        `${escapeHtml(style.label)} · ${escapeHtml(template.table.hypervolume)} ${result.hypervolume.toFixed(3)}</li>`
      );
    }),
  ];
  return `<div class="front-chart">${chart}<ul class="legend" id="front-legend">${legend.join('')}</ul></div>`;
}
