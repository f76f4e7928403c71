import type { EvolveSummary } from '../evolve/evolve-summary.js';
import type { PolicyGroup, PolicyGroupMember } from '../evolve/policy-groups.js';
import { finalAnswer } from '../trajectory/trajectory.js';
import { escapeHtml } from './escape-html.js';
import type { ReportTemplate } from './report-template.js';

/** Longest tool-call arguments and final answer shown in a row (the export keeps them whole). */
const argumentsShown = 80;
const answerShown = 160;

function shorten(text: string, length: number): string {
  return text.length <= length ? text : `${text.slice(0, length - 1)}…`;
}

function fill(text: string, values: Record<string, string | number>): string {
  return text.replace(/\{(\w+)\}/g, (whole, name: string) => (name in values ? String(values[name]) : whole));
}

/** The tool calls in order, then the final answer (or why there is none). */
function whatItDid(member: PolicyGroupMember, template: ReportTemplate): string {
  const calls = member.messages.flatMap((message) =>
    message.role === 'assistant' ? (message.tool_calls ?? []).map((call) => `${call.function.name}(${shorten(call.function.arguments, argumentsShown)})`) : [],
  );
  const answer = finalAnswer(member);
  const end = answer === null ? fill(template.groups.noAnswer, { termination: member.termination }) : `“${shorten(answer, answerShown)}”`;
  return [...calls, end].join(' → ');
}

function score(value: number | null): string {
  return value === null ? '–' : value.toFixed(2);
}

function memberRow(group: PolicyGroup, member: PolicyGroupMember, template: ReportTemplate): string {
  const labels = template.groups;
  const feasible = member.feasible === null ? labels.unscorable : member.feasible ? labels.yes : labels.no;
  const sign = member.advantage > 1e-12 ? 'positive' : member.advantage < -1e-12 ? 'negative' : 'zero';
  const classes = [member.sample === 0 ? 'group-start' : '', member.feasible === false ? 'infeasible' : ''].filter(Boolean).join(' ');
  const task =
    member.sample === 0
      ? `<td class="task" rowspan="${group.members.length}"><code>${escapeHtml(group.taskId)}</code><br>${escapeHtml(group.kind)}: ${escapeHtml(shorten(group.prompt, answerShown))}</td>`
      : '';
  return (
    `<tr${classes ? ` class="${classes}"` : ''} data-group="${group.group}" data-sample="${member.sample}">${task}` +
    `<td>${member.sample + 1}</td>` +
    `<td>${score(member.objectives.security)}</td><td>${score(member.objectives.utility)}</td><td>${score(member.objectives.overRefusal)}</td><td>${score(member.objectives.control)}</td>` +
    `<td class="feasible">${escapeHtml(feasible)}</td><td>${member.level ?? '–'}</td>` +
    `<td class="${sign}">${member.advantage >= 0 ? '+' : ''}${member.advantage.toFixed(3)}</td>` +
    `<td class="did">${escapeHtml(whatItDid(member, template))}</td></tr>`
  );
}

function phaseTable(method: string, round: number, groups: readonly PolicyGroup[], template: ReportTemplate, open: boolean): string {
  const labels = template.groups;
  const methodLabel = method in template.methods ? template.methods[method as keyof ReportTemplate['methods']].label : method;
  const summary = fill(labels.summary, {
    method: methodLabel,
    round,
    groups: groups.length,
    size: groups[0]?.members.length ?? 0,
    zeroVariance: groups.filter((group) => group.zeroVariance).length,
  });
  const head = [labels.task, labels.sample, labels.security, labels.utility, labels.overRefusal, labels.control, labels.feasible, labels.level, labels.advantage, labels.did]
    .map((label) => `<th>${escapeHtml(label)}</th>`)
    .join('');
  const shown = groups.slice(0, labels.shownPerPhase);
  const rows = shown.flatMap((group) => group.members.map((member) => memberRow(group, member, template))).join('');
  const more = groups.length > shown.length ? `<p class="note more">${escapeHtml(fill(labels.more, { count: groups.length - shown.length }))}</p>` : '';
  return (
    `<details class="groups" data-method="${escapeHtml(method)}" data-round="${round}"${open ? ' open' : ''}><summary>${escapeHtml(summary)}</summary>` +
    `<div class="table-wrap"><table class="groups" id="groups-${escapeHtml(method)}-round-${round}"><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table></div>${more}</details>`
  );
}

/**
 * The stage-2 groups of a run, one collapsible table per method and round (`details.groups` with
 * `table.groups`; the first is open): each trajectory's objective scores, feasibility, PFPO level,
 * trained advantage and what it did. A phase shows its first `shownPerPhase` groups (the template's;
 * the full preset samples 64 a phase) and says how many more the export holds.
 */
export function renderPolicyGroups(summary: EvolveSummary, groups: readonly PolicyGroup[], template: ReportTemplate): string {
  if (groups.length === 0) return `<p class="note empty">${escapeHtml(template.noGroups)}</p>`;
  const tables: string[] = [];
  for (const method of summary.methods) {
    for (let round = 1; round <= summary.rounds; round++) {
      const phase = groups.filter((group) => group.method === method && group.round === round);
      if (phase.length > 0) tables.push(phaseTable(method, round, phase, template, tables.length === 0));
    }
  }
  return tables.join('');
}
