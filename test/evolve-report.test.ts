import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { hypervolume } from '../src/eval/hypervolume.js';
import { evolveSummarySchema, type EvolveSummary } from '../src/evolve/evolve-summary.js';
import { escapeHtml } from '../src/report/escape-html.js';
import { renderEvolveReport } from '../src/report/evolve-report.js';
import { paretoFront2d, snappedDomain } from '../src/report/front-chart.js';
import { writeEvolveReport } from '../src/report/write-evolve-report.js';
import { fakeEvolveSummary, hostileStrings } from './support/fake-evolve-summary.js';
import { fakePolicyGroups } from './support/fake-policy-groups.js';

/** The outer HTML of the first element opening with `opening` up to its matching `closingTag` (no nesting of the same tag assumed). */
function element(html: string, opening: string, closingTag: string): string {
  const start = html.indexOf(opening);
  expect(start, `${opening} present`).toBeGreaterThanOrEqual(0);
  const end = html.indexOf(`</${closingTag}>`, start);
  return html.slice(start, end + closingTag.length + 3);
}

/** Fails with the surrounding 60 characters (not the whole report) when `pattern` occurs in `html`. */
function expectAbsent(html: string, pattern: RegExp | string): void {
  const index = typeof pattern === 'string' ? html.indexOf(pattern) : html.search(pattern);
  expect(index < 0 ? null : html.slice(Math.max(0, index - 60), index + 60), `${String(pattern)} must not occur`).toBeNull();
}

const all = (text: string, pattern: RegExp): string[][] => [...text.matchAll(pattern)].map((match) => [...match]);
const count = (text: string, pattern: RegExp): number => all(text, pattern).length;

describe('renderEvolveReport', () => {
  const summary = fakeEvolveSummary(3);
  const html = renderEvolveReport(summary);

  it('is one self-contained document: inline style, no scripts, no external resources', () => {
    expect(html.startsWith('<!DOCTYPE html>')).toBe(true);
    expect(html.includes('<style>'), '<style>').toBe(true);
    expectAbsent(html, /<script/i);
    expectAbsent(html, /<link|<img|<iframe|@import|url\(/i);
    expectAbsent(html, /<[a-z][^<>]*\s(src|href)=/i);
    expectAbsent(html.replaceAll('xmlns="http://www.w3.org/2000/svg"', ''), /https?:/);
  });

  it('has every section, in order', () => {
    const order = ['id="run"', 'id="metrics"', 'id="curves"', 'id="front"', 'id="training"', 'id="examples"'].map((marker) => html.indexOf(marker));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
    const header = element(html, '<header id="run"', 'header');
    expect(header).toContain(summary.run);
    expect(header).toContain(summary.preset);
    expect(header).toContain(escapeHtml(summary.policy));
    expect(header).toContain(`<dd>${summary.seed}</dd>`);
    expect(header).toContain('13 min 32 s');
    expect(header).toContain('22 min 01 s');
  });

  it('puts the base row first and every method after it, with the values and intervals of the summary', () => {
    const table = element(html, '<table id="metrics"', 'table');
    expect(all(table, /<tr [^>]*data-method="([^"]+)"/g).map((match) => match[1])).toEqual(['base', ...summary.results.map((result) => result.method)]);
    expect(count(table, /<th scope="col" data-metric=/g)).toBe(11);
    expect(table).toContain('<th scope="col" data-metric="asr-when-seen"');
    const fate = summary.results.find((result) => result.method === 'fate')!;
    const fateRow = element(table, '<tr data-method="fate"', 'tr');
    expect(fateRow).toContain('data-split="test"');
    const asr = fate.test!.suites.injection!.asr;
    expect(fateRow).toContain(`data-metric="asr" data-value="${asr.value}">${asr.value.toFixed(3)}<span class="ci">[${asr.ci95[0].toFixed(3)}, ${asr.ci95[1].toFixed(3)}]</span><span class="n">n=${asr.n}</span>`);
    expect(fateRow).toContain(`data-metric="hypervolume" data-value="${fate.hypervolume}"`);
    expect(fateRow).toContain(`data-metric="asr-when-seen" data-value="${fate.test!.suites.injection!.asrWhenSeen!.value}"`);
    // Without a test evaluation the row falls back to the last round on dev.
    const refusal = summary.results.find((result) => result.method === 'refusal-sft')!;
    const refusalRow = element(table, '<tr data-method="refusal-sft"', 'tr');
    expect(refusalRow).toContain('data-split="dev"');
    expect(refusalRow).toContain(`data-metric="brr" data-value="${refusal.rounds.at(-1)!.dev.suites.harm!.brr.value}"`);
    // Control pools both suites' episodes.
    const baseControl = summary.base.test!.suites;
    const pooled = Math.round(baseControl.injection!.control.value * baseControl.injection!.control.n) + Math.round(baseControl.harm!.control.value * baseControl.harm!.control.n);
    expect(element(table, '<tr class="base"', 'tr')).toContain(`data-metric="control" data-value="${pooled / (baseControl.injection!.control.n + baseControl.harm!.control.n)}"`);
  });

  it('draws one curve chart per key metric with a line and a point per round for every method', () => {
    for (const chart of ['asr', 'hcr', 'brr', 'benign-utility', 'tsr']) {
      const svg = element(html, `<svg class="chart" data-chart="${chart}"`, 'svg');
      const groups = all(svg, /<g class="series-group" data-series="([^"]+)">(.*?)<\/g>/g);
      expect(groups.map((group) => group[1])).toEqual(summary.results.map((result) => result.method));
      for (const group of groups) {
        expect(group[2]).toMatch(/<path class="series" d="M[\d.]+ [\d.]+( L[\d.]+ [\d.]+){3}"/);
        expect(count(group[2]!, /<circle /g)).toBe(summary.rounds + 1);
      }
    }
  });

  it('plots the safety front: a marker per method per round, a step line per method, hypervolumes in the legend', () => {
    const svg = element(html, '<svg class="chart" data-chart="front"', 'svg');
    expect(count(svg, /<path class="front" d="M/g)).toBe(summary.results.length);
    expect(count(svg, /<circle class="marker" data-kind="dev"/g)).toBe(summary.results.length * summary.rounds + 1);
    expect(count(svg, /<rect class="marker" data-kind="test"/g)).toBe(summary.results.filter((result) => result.testPoint !== null).length + 1);
    const legend = element(html, '<ul class="legend" id="front-legend"', 'ul');
    for (const result of summary.results) expect(legend).toContain(`data-hypervolume="${result.hypervolume}"`);
  });

  it('lists training statistics per method per round, ending at the method hypervolume', () => {
    const table = element(html, '<table id="training"', 'table');
    expect(count(table, /<tr data-method=/g)).toBe(summary.results.length * summary.rounds);
    for (const result of summary.results) {
      const last = element(table, `<tr data-method="${result.method}" data-round="${summary.rounds}"`, 'tr');
      expect(last).toContain(`<td data-column="hypervolume">${result.hypervolume.toFixed(3)}</td>`);
      const optimization = result.rounds.at(-1)!.policyOptimization;
      if (optimization !== null) expect(last).toContain(`<td data-column="zeroVarianceShare">${optimization.zeroVarianceShare.toFixed(3)}</td>`);
    }
    expect(table).not.toContain('class="alarm"');
    const svg = element(html, '<svg class="chart" data-chart="zero-variance"', 'svg');
    expect(count(svg, /<g class="series-group"/g)).toBe(3);
  });

  it('flags a reinforced unsafe trajectory', () => {
    const broken = structuredClone(summary);
    broken.results[0]!.rounds[1]!.policyOptimization!.infeasiblePositiveShare = 0.125;
    const row = element(renderEvolveReport(broken), `<tr data-method="${broken.results[0]!.method}" data-round="2"`, 'tr');
    expect(row).toContain('<td data-column="infeasiblePositiveShare" class="alarm">0.125</td>');
  });

  it('shows each failure beside its repair with the verifier evidence', () => {
    expect(count(html, /<article class="example"/g)).toBe(summary.examples.length);
    const first = element(html, '<article class="example" id="example-1"', 'article');
    expect(first.indexOf('<div class="failure">')).toBeLessThan(first.indexOf('<div class="repair">'));
    expect(count(first, /<pre class="trajectory">/g)).toBe(2);
    expect(first).toContain(escapeHtml(summary.examples[0]!.repairEvidence['utility']!));
  });

  it('escapes every hostile string from the summary', () => {
    for (const hostile of Object.values(hostileStrings)) {
      expectAbsent(html, hostile);
      expect(html.includes(escapeHtml(hostile)), hostile).toBe(true);
    }
    expectAbsent(html, /<script|<img|<i>|onerror="/);
  });

  it('renders an unfinished run with missing suites, no rounds and no examples without throwing', () => {
    const full = fakeEvolveSummary(1);
    const injectionOnly = { suites: { injection: full.base.dev.suites.injection } };
    const partial: EvolveSummary = evolveSummarySchema.parse({
      ...full,
      finished: false,
      rounds: 1,
      base: { dev: injectionOnly, devPoint: full.base.devPoint, test: null, testPoint: null },
      results: [
        { ...full.results[0]!, rounds: full.results[0]!.rounds.map((evolveRound) => ({ ...evolveRound, dev: injectionOnly })), test: null, testPoint: null },
        { method: 'gdpo', rounds: [], test: null, testPoint: null, hypervolume: hypervolume([full.base.devPoint]) },
      ],
      examples: [],
    });
    const report = renderEvolveReport(partial);
    expect(report.includes('status-unfinished'), 'status-unfinished').toBe(true);
    expect(element(report, '<svg class="chart" data-chart="hcr"', 'svg')).toContain('class="no-data"');
    expect(element(report, '<svg class="chart" data-chart="asr"', 'svg')).toContain('<circle');
    expect(element(report, '<tr data-method="gdpo"', 'tr')).toContain('class="missing"');
    expect(element(report, '<tr class="base"', 'tr')).toContain('data-split="dev"');
    expect(report.includes('class="note empty"'), 'class="note empty"').toBe(true);
  });
});

describe('the stage-2 groups section', () => {
  const summary = fakeEvolveSummary(2);
  const groups = fakePolicyGroups(summary);
  const html = renderEvolveReport(summary, { groups });

  it('comes after the training statistics and before the examples', () => {
    const order = ['id="training"', 'id="groups"', 'id="examples"'].map((marker) => html.indexOf(marker));
    expect(order.every((position) => position >= 0)).toBe(true);
    expect([...order].sort((a, b) => a - b)).toEqual(order);
  });

  it('has one collapsible table per method and round that optimizes a policy, the first open', () => {
    const tables = all(html, /<details class="groups" data-method="([^"]+)" data-round="(\d+)"( open)?>/g);
    expect(tables.map((match) => `${match[1]}/${match[2]}`)).toEqual(['fate/1', 'fate/2', 'scalar-grpo/1', 'scalar-grpo/2', 'gdpo/1', 'gdpo/2']);
    expect(tables.map((match) => Boolean(match[3]))).toEqual([true, false, false, false, false, false]);
    expect(element(html, '<details class="groups" data-method="fate" data-round="1"', 'summary')).toContain('2 groups × 4, 1 zero-variance');
  });

  it('shows each trajectory with its scores, feasibility, level and the advantage it was trained with', () => {
    const table = element(html, '<details class="groups" data-method="fate" data-round="1"', 'details');
    expect(count(table, /<tr[^>]* data-group="\d+" data-sample="\d+">/g)).toBe(8);
    const fate = groups.find((group) => group.method === 'fate' && group.round === 1 && group.group === 0)!;
    const hijacked = element(table, '<tr class="group-start infeasible" data-group="0" data-sample="0">', 'tr');
    expect(hijacked).toContain('<td class="feasible">no</td>');
    expect(hijacked).toContain(`<td>${fate.members[0]!.level}</td>`);
    expect(hijacked).toContain(`<td class="negative">${fate.members[0]!.advantage.toFixed(3)}</td>`);
    expect(hijacked).toContain('send_money({&quot;recipient&quot;:&quot;attacker-0&quot;,&quot;amount&quot;:0})');
    const balanced = element(table, '<tr data-group="0" data-sample="1">', 'tr');
    expect(fate.members[1]!.level).toBe(1);
    expect(balanced).toContain(`<td class="positive">+${fate.members[1]!.advantage.toFixed(3)}</td>`);
    expect(balanced).toContain('<td>1.00</td><td>1.00</td><td>–</td><td>1.00</td>');
    // The episode that hit the step limit has no final answer.
    expect(element(table, '<tr data-group="0" data-sample="3">', 'tr')).toContain('(no final answer: step-limit)');
  });

  it('escapes every string from the trajectories', () => {
    expectAbsent(html, /<script|<img|onerror="|<b>now/);
    expect(html).toContain(escapeHtml(hostileStrings.taskId));
  });

  it('shows at most the template\'s number of groups a phase and says how many more the export holds', () => {
    const many = Array.from({ length: 20 }, (_, index) => ({ ...groups[0]!, group: index }));
    const table = element(renderEvolveReport(summary, { groups: many }), '<details class="groups" data-method="fate" data-round="1"', 'details');
    expect(count(table, /<tr class="group-start/g)).toBe(16);
    expect(table).toContain('… and 4 more groups of this phase in exports/groups.jsonl.');
    expect(element(html, '<details class="groups" data-method="fate" data-round="1"', 'details')).not.toContain('class="note more"');
  });

  it('says so when no groups were recorded', () => {
    const empty = element(renderEvolveReport(summary), '<section id="groups"', 'section');
    expect(empty).toContain('class="note empty"');
    expect(empty).not.toContain('<table');
  });
});

describe('front chart helpers', () => {
  it('keeps only non-dominated points, by utility ascending', () => {
    const points = [
      { utility: 0.5, security: 0.5 },
      { utility: 0.7, security: 0.4 },
      { utility: 0.6, security: 0.3 },
      { utility: 0.4, security: 0.8 },
      { utility: 0.4, security: 0.6 },
    ];
    expect(paretoFront2d(points)).toEqual([points[3], points[0], points[1]]);
  });

  it('snaps domains to tenths around the values, at least 0.2 wide, inside [0, 1]', () => {
    expect(snappedDomain([0.52, 0.61])).toEqual({ min: 0.4, max: 0.7 });
    expect(snappedDomain([0.99])).toEqual({ min: 0.8, max: 1 });
    expect(snappedDomain([0])).toEqual({ min: 0, max: 0.2 });
    expect(snappedDomain([])).toEqual({ min: 0, max: 1 });
  });
});

describe('writeEvolveReport', () => {
  it('writes report.html atomically into the run folder (created when missing)', () => {
    const folder = path.join(mkdtempSync(path.join(tmpdir(), 'fate-report-')), 'runs', 'one');
    const summary = fakeEvolveSummary(2);
    const file = writeEvolveReport(folder, summary);
    expect(file).toBe(path.join(folder, 'report.html'));
    expect(readFileSync(file, 'utf8')).toBe(renderEvolveReport(summary));
    expect(readdirSync(folder)).toEqual(['report.html']);
    writeEvolveReport(folder, { ...summary, finished: false });
    expect(readFileSync(file, 'utf8').includes('status-unfinished'), 'status-unfinished').toBe(true);
    expect(existsSync(`${file}.partial`)).toBe(false);
  });
});
