import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { evolveSummarySchema } from '../src/evolve/evolve-summary.js';
import { writeEvolveReport } from '../src/report/write-evolve-report.js';
import { fakeEvolveSummary, hostileStrings } from './support/fake-evolve-summary.js';
import { fakePolicyGroups } from './support/fake-policy-groups.js';
import { dumpDom, ensureChromium, screenshot } from './support/headless-chromium.js';

/**
 * Measures the laid-out report inside Chromium and writes the result as JSON into
 * `<pre id="measurements">` (injected into the test's copy of the report only; the report itself
 * has no scripts). Every marker is scrolled into view and hit-tested at its centre.
 */
const measurementScript = `
(() => {
  const box = (element) => { const bounds = element.getBoundingClientRect(); return { left: bounds.left, top: bounds.top, right: bounds.right, bottom: bounds.bottom, width: bounds.width, height: bounds.height }; };
  const shown = (element) => { const style = getComputedStyle(element); return style.display !== 'none' && style.visibility !== 'hidden' && Number(style.opacity) > 0; };
  const within = (inner, outer) => inner.left >= outer.left - 1 && inner.right <= outer.right + 1 && inner.top >= outer.top - 1 && inner.bottom <= outer.bottom + 1;
  const charts = [...document.querySelectorAll('svg.chart')].map((svg) => {
    const frame = box(svg);
    return {
      chart: svg.dataset.chart,
      frame,
      shown: shown(svg),
      lines: [...svg.querySelectorAll('path.series, path.front')].map((line) => ({
        kind: line.getAttribute('class'),
        series: line.closest('g').dataset.series,
        length: line.getTotalLength(),
        stroke: getComputedStyle(line).stroke,
        strokeWidth: parseFloat(getComputedStyle(line).strokeWidth),
        inside: within(box(line), frame),
      })),
      markers: [...svg.querySelectorAll('circle, rect.marker')].map((marker) => {
        marker.scrollIntoView({ block: 'center', inline: 'center' });
        const area = box(marker);
        const hit = document.elementFromPoint((area.left + area.right) / 2, (area.top + area.bottom) / 2);
        return {
          series: marker.closest('g').dataset.series,
          tag: marker.tagName.toLowerCase(),
          width: area.width,
          height: area.height,
          inside: within(area, box(svg)),
          hit: hit === null ? null : hit.tagName.toLowerCase(),
          hitSameChart: hit !== null && hit.closest('svg') === svg,
        };
      }),
    };
  });
  window.scrollTo(0, 0);
  const tables = {};
  for (const table of document.querySelectorAll('table')) {
    tables[table.id] = {
      frame: box(table),
      shown: shown(table),
      // false inside a folded <details> (its content is laid out but not rendered)
      visible: table.checkVisibility(),
      rows: [...table.tBodies[0].rows].map((row) => ({ method: row.dataset.method, height: box(row).height, cells: row.cells.length, text: row.cells[0].textContent })),
    };
  }
  const examples = [...document.querySelectorAll('article.example')].map((article) => ({
    columns: [...article.querySelectorAll('pre.trajectory')].map(box),
    font: getComputedStyle(article.querySelector('pre.trajectory')).fontFamily,
    task: article.querySelector('header code').textContent,
    evidenceTerms: [...article.querySelectorAll('dl.evidence dt')].map((term) => term.textContent),
  }));
  const result = {
    charts,
    tables,
    examples,
    scripts: document.scripts.length,
    images: document.images.length,
    pwned: window.__pwned === undefined ? null : window.__pwned,
    policy: document.querySelector('header#run dl').textContent,
  };
  const output = document.createElement('pre');
  output.id = 'measurements';
  output.textContent = JSON.stringify(result);
  document.body.append(output);
})();
`;

interface Box {
  width: number;
  height: number;
  left: number;
  right: number;
  top: number;
  bottom: number;
}
interface Measurements {
  charts: {
    chart: string;
    frame: Box;
    shown: boolean;
    lines: { kind: string; series: string; length: number; stroke: string; strokeWidth: number; inside: boolean }[];
    markers: { series: string; tag: string; width: number; height: number; inside: boolean; hit: string | null; hitSameChart: boolean }[];
  }[];
  tables: Record<string, { frame: Box; shown: boolean; visible: boolean; rows: { method: string; height: number; cells: number; text: string }[] }>;
  examples: { columns: Box[]; font: string; task: string; evidenceTerms: string[] }[];
  scripts: number;
  images: number;
  pwned: unknown;
  policy: string;
}

function readMeasurements(dom: string): Measurements {
  const match = /<pre id="measurements">([\s\S]*?)<\/pre>/.exec(dom);
  if (match === null) throw new Error(`no measurements in the dumped DOM (${dom.length} characters)`);
  const text = match[1]!.replaceAll('&lt;', '<').replaceAll('&gt;', '>').replaceAll('&nbsp;', '\u00a0').replaceAll('&amp;', '&');
  return JSON.parse(text) as Measurements;
}

/** Width and height from a PNG's IHDR chunk. */
function pngSize(file: string): { width: number; height: number; bytes: number } {
  const png = readFileSync(file);
  expect(png.subarray(0, 8).toString('hex')).toBe('89504e470d0a1a0a');
  expect(png.subarray(12, 16).toString('ascii')).toBe('IHDR');
  return { width: png.readUInt32BE(16), height: png.readUInt32BE(20), bytes: png.length };
}

describe('report.html in headless Chromium', () => {
  const summary = evolveSummarySchema.parse(fakeEvolveSummary(3));
  const folder = mkdtempSync(path.join(tmpdir(), 'fate-report-chromium-'));
  let report = '';
  let measured: Measurements;

  beforeAll(async () => {
    ensureChromium();
    report = writeEvolveReport(folder, summary, { groups: fakePolicyGroups(summary) });
    const html = readFileSync(report, 'utf8');
    expect(html).toContain('</body>');
    const copy = path.join(folder, 'measured.html');
    writeFileSync(copy, html.replace('</body>', `<script>${measurementScript}</script>\n</body>`));
    measured = readMeasurements(await dumpDom(copy));
  }, 900_000);

  it('lays out every chart with a non-zero size', () => {
    expect(measured.charts.map((chart) => chart.chart).sort()).toEqual(['asr', 'benign-utility', 'brr', 'front', 'hcr', 'tsr', 'zero-variance']);
    for (const chart of measured.charts) {
      expect(chart.shown, chart.chart).toBe(true);
      expect(chart.frame.width, chart.chart).toBeGreaterThan(200);
      expect(chart.frame.height, chart.chart).toBeGreaterThan(120);
    }
  });

  it('draws each method as a visible line of non-zero length inside its chart', () => {
    const methods = summary.results.map((result) => result.method);
    for (const id of ['asr', 'hcr', 'brr', 'benign-utility', 'tsr']) {
      const chart = measured.charts.find((candidate) => candidate.chart === id)!;
      expect(chart.lines.map((line) => line.series), id).toEqual(methods);
      for (const line of chart.lines) {
        expect(line.length, `${id} ${line.series}`).toBeGreaterThan(50);
        expect(line.inside, `${id} ${line.series}`).toBe(true);
        expect(line.strokeWidth).toBeGreaterThan(0);
        expect(line.stroke).not.toBe('none');
      }
      expect(new Set(chart.lines.map((line) => line.stroke)).size, `${id}: a colour per method`).toBe(methods.length);
      expect(chart.markers).toHaveLength(methods.length * (summary.rounds + 1));
    }
    const front = measured.charts.find((chart) => chart.chart === 'front')!;
    expect(front.lines.filter((line) => line.kind === 'front').map((line) => line.series)).toEqual(methods);
    for (const line of front.lines) {
      expect(line.length).toBeGreaterThan(20);
      expect(line.inside).toBe(true);
    }
  });

  it('paints every marker where it can be hit, inside its chart', () => {
    const front = measured.charts.find((chart) => chart.chart === 'front')!;
    const tested = summary.results.filter((result) => result.testPoint !== null).length + 1;
    expect(front.markers).toHaveLength(summary.results.length * summary.rounds + 1 + tested);
    for (const chart of measured.charts) {
      for (const marker of chart.markers) {
        expect(marker.width, chart.chart).toBeGreaterThan(2);
        expect(marker.height, chart.chart).toBeGreaterThan(2);
        expect(marker.inside, chart.chart).toBe(true);
        // A filled circle is what the pointer finds at its centre (or a neighbour's mark drawn over
        // it); the hollow test squares have no fill to hit.
        if (marker.tag === 'circle') {
          expect(marker.hitSameChart, `${chart.chart} ${marker.series} hit ${marker.hit}`).toBe(true);
          expect(['circle', 'rect', 'text', 'path']).toContain(marker.hit);
        }
      }
    }
  });

  it('renders the metrics table with the base row first and a row per method', () => {
    const metrics = measured.tables['metrics']!;
    expect(metrics.shown).toBe(true);
    expect(metrics.frame.width).toBeGreaterThan(600);
    expect(metrics.rows.map((row) => row.method)).toEqual(['base', ...summary.results.map((result) => result.method)]);
    for (const row of metrics.rows) {
      expect(row.height).toBeGreaterThan(20);
      expect(row.cells).toBe(13);
    }
    const training = measured.tables['training']!;
    expect(training.rows).toHaveLength(summary.results.length * summary.rounds);
    expect(training.rows.every((row) => row.height > 10)).toBe(true);
  });

  it('renders the first stage-2 groups table open, a row per trajectory, and keeps the others folded', () => {
    const open = measured.tables['groups-fate-round-1']!;
    expect(open.shown).toBe(true);
    expect(open.visible).toBe(true);
    expect(open.frame.width).toBeGreaterThan(600);
    expect(open.rows).toHaveLength(8);
    expect(open.rows.every((row) => row.height > 10)).toBe(true);
    expect(open.rows[0]!.text).toContain(hostileStrings.taskId);
    for (const round of [1, 2, 3]) {
      for (const method of ['scalar-grpo', 'gdpo']) expect(measured.tables[`groups-${method}-round-${round}`]!.visible, `${method} ${round}`).toBe(false);
    }
  });

  it('shows failure and repair side by side in monospace, hostile strings as plain text', () => {
    expect(measured.examples).toHaveLength(summary.examples.length);
    for (const example of measured.examples) {
      const [failure, repair] = example.columns;
      expect(failure!.width).toBeGreaterThan(200);
      expect(repair!.left).toBeGreaterThan(failure!.right);
      expect(Math.abs(repair!.top - failure!.top)).toBeLessThan(2);
      expect(example.font).toMatch(/mono/i);
    }
    expect(measured.examples[0]!.task).toBe(hostileStrings.taskId);
    expect(measured.examples[0]!.evidenceTerms).toContain(hostileStrings.evidenceKey);
    expect(measured.policy).toContain(hostileStrings.policy);
    expect(measured.scripts).toBe(1);
    expect(measured.images).toBe(0);
    expect(measured.pwned).toBeNull();
  });

  it('produces a screenshot with far more ink than a blank page', async () => {
    const window = { width: 1280, height: 2400 };
    const shot = path.join(folder, 'report.png');
    await screenshot(report, shot, window);
    const blankPage = path.join(folder, 'blank.html');
    writeFileSync(blankPage, '<!DOCTYPE html><html><body></body></html>');
    const blankShot = path.join(folder, 'blank.png');
    await screenshot(blankPage, blankShot, window);
    const reportSize = pngSize(shot);
    expect(reportSize).toMatchObject(window);
    expect(reportSize.bytes).toBeGreaterThan(10 * pngSize(blankShot).bytes);
  });
});
