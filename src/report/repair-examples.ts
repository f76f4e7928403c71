import type { EvolveSummary, RepairExample } from '../evolve/evolve-summary.js';
import { escapeHtml } from './escape-html.js';
import type { ReportTemplate } from './report-template.js';

function evidenceList(evidence: Record<string, string>): string {
  const entries = Object.entries(evidence);
  if (entries.length === 0) return '';
  return `<dl class="evidence">${entries.map(([objective, reason]) => `<dt>${escapeHtml(objective)}</dt><dd>${escapeHtml(reason)}</dd>`).join('')}</dl>`;
}

function column(kind: 'failure' | 'repair', title: string, trajectory: string, evidence: Record<string, string>, evidenceTitle: string): string {
  return (
    `<div class="${kind}"><h3>${escapeHtml(title)}</h3><pre class="trajectory">${escapeHtml(trajectory)}</pre>` +
    `<details open><summary>${escapeHtml(evidenceTitle)}</summary>${evidenceList(evidence)}</details></div>`
  );
}

function renderExample(example: RepairExample, index: number, template: ReportTemplate): string {
  const labels = template.example;
  const header = [
    `${escapeHtml(labels.method)} <b>${escapeHtml(template.methods[example.method].label)}</b>`,
    `${escapeHtml(labels.round)} <b>${example.round}</b>`,
    `${escapeHtml(labels.task)} <b><code>${escapeHtml(example.taskId)}</code></b>`,
    `${escapeHtml(labels.failureType)} <b>${escapeHtml(example.failureType)}</b>`,
  ].join(' · ');
  return (
    `<article class="example" id="example-${index + 1}" data-method="${escapeHtml(example.method)}" data-round="${example.round}"><header>${header}</header>` +
    `<div class="columns">${column('failure', labels.failure, example.failure, example.failureEvidence, labels.evidence)}` +
    `${column('repair', labels.repair, example.repair, example.repairEvidence, labels.evidence)}</div></article>`
  );
}

/** Every failure → repair example as an `<article class="example">` with two columns (failure, repair), each with its verifier evidence. */
export function renderRepairExamples(summary: EvolveSummary, template: ReportTemplate): string {
  if (summary.examples.length === 0) return `<p class="note empty">${escapeHtml(template.noExamples)}</p>`;
  return summary.examples.map((example, index) => renderExample(example, index, template)).join('');
}
