import { hypervolume } from '../eval/hypervolume.js';
import type { EvolveSummary } from '../evolve/evolve-summary.js';
import { escapeHtml } from './escape-html.js';
import { formatNumber } from './format.js';
import { renderLineChart, type LineSeries } from './line-chart.js';
import type { ReportTemplate } from './report-template.js';

type Column = keyof ReportTemplate['training'];

const columns: readonly Column[] = [
  'method',
  'round',
  'failures',
  'repaired',
  'bufferSize',
  'sftLoss',
  'groups',
  'zeroVarianceShare',
  'allInfeasibleShare',
  'meanFronts',
  'infeasiblePositiveShare',
  'meanKl',
  'hypervolume',
  'seconds',
];

function cell(column: Column, content: string, extra = ''): string {
  return `<td data-column="${column}"${extra}>${content}</td>`;
}

/**
 * `<table id="training">`: one row per method per round (`data-method`, `data-round`) with the
 * repair phase (failures, share repaired with n, buffer size), the supervised phase (first → last
 * loss), the policy-optimization group statistics (an infeasible-positive share above 0 is flagged
 * `alarm`), and the hypervolume of the method's dev points from the base up to that round.
 */
export function renderTrainingTable(summary: EvolveSummary, template: ReportTemplate): string {
  const missing = escapeHtml(template.missing);
  const rows = summary.results.flatMap((result) =>
    result.rounds.map((round, index) => {
      const { repairs, supervised, policyOptimization: optimization } = round;
      const points = [summary.base.devPoint, ...result.rounds.slice(0, index + 1).map((earlier) => earlier.devPoint)];
      const loss =
        supervised === null ? missing : `${formatNumber(supervised.firstLoss, missing)} → ${formatNumber(supervised.lastLoss, missing)} (${supervised.steps})`;
      const infeasiblePositive = optimization?.infeasiblePositiveShare;
      const cells = [
        `<th scope="row"><span class="swatch" style="background:${escapeHtml(template.methods[result.method].color)}"></span>${escapeHtml(template.methods[result.method].label)}</th>`,
        cell('round', String(round.round)),
        cell('failures', repairs === null ? missing : String(repairs.failures)),
        cell('repaired', repairs === null || repairs.repaired.n === 0 ? missing : `${repairs.repaired.value.toFixed(3)}<span class="n">n=${repairs.repaired.n}</span>`),
        cell('bufferSize', repairs === null ? missing : String(repairs.bufferSize)),
        cell('sftLoss', loss),
        cell('groups', optimization === null ? missing : `${optimization.groups}×${optimization.groupSize}`),
        cell('zeroVarianceShare', formatNumber(optimization?.zeroVarianceShare, missing)),
        cell('allInfeasibleShare', formatNumber(optimization?.allInfeasibleShare, missing)),
        cell('meanFronts', formatNumber(optimization?.meanFronts, missing, 2)),
        cell('infeasiblePositiveShare', formatNumber(infeasiblePositive, missing), infeasiblePositive !== undefined && infeasiblePositive > 0 ? ' class="alarm"' : ''),
        cell('meanKl', formatNumber(optimization?.meanKl, missing, 4)),
        cell('hypervolume', formatNumber(hypervolume(points), missing)),
        cell('seconds', formatNumber(round.seconds, missing, 0)),
      ];
      return `<tr data-method="${escapeHtml(result.method)}" data-round="${round.round}">${cells.join('')}</tr>`;
    }),
  );
  const header = columns.map((column) => `<th scope="col" data-column="${column}">${escapeHtml(template.training[column])}</th>`).join('');
  const body = rows.length > 0 ? rows.join('') : `<tr><td colspan="${columns.length}">${escapeHtml(template.noTraining)}</td></tr>`;
  return `<div class="table-wrap"><table id="training"><thead><tr>${header}</tr></thead><tbody>${body}</tbody></table></div>`;
}

/** A line chart (`data-chart="zero-variance"`) of each method's zero-variance group share per round. */
export function renderZeroVarianceChart(summary: EvolveSummary, template: ReportTemplate): string {
  const series: LineSeries[] = summary.results.map((result) => ({
    id: result.method,
    color: template.methods[result.method].color,
    points: result.rounds.flatMap((round) =>
      round.policyOptimization === null
        ? []
        : [
            {
              x: round.round,
              y: round.policyOptimization.zeroVarianceShare,
              tooltip: `${template.methods[result.method].label} · ${template.axes.round} ${round.round} · ${round.policyOptimization.zeroVarianceShare.toFixed(3)} of ${round.policyOptimization.groups}`,
            },
          ],
    ),
  }));
  const chart = renderLineChart({
    chartId: 'zero-variance',
    title: template.zeroVarianceChart,
    xLabel: template.axes.round,
    yLabel: template.axes.rate,
    noData: template.noData,
    series,
  });
  return `<div class="charts"><figure class="curve" data-metric="zero-variance"><figcaption>${escapeHtml(template.zeroVarianceChart)}</figcaption>${chart}</figure></div>`;
}
