import { describe, expect, it } from 'vitest';
import { runEpisodes } from '../src/agent/loop.js';
import { evaluatePolicy } from '../src/eval/evaluate.js';
import { parseRepairCandidateTaskId, repairCandidateTask, repairCandidateTaskId } from '../src/fate/candidate-task.js';
import { mineFailures } from '../src/fate/failure-mining.js';
import { buildRepairPrompt } from '../src/fate/repair-prompt.js';
import { loadRepairTemplate } from '../src/fate/repair-template.js';
import { renderTrajectoryForRepair } from '../src/fate/trajectory-rendering.js';
import { createPolicy } from '../src/policies/registry.js';
import { scriptedRepairCandidate } from '../src/policies/scripted/repair-candidate.js';
import { generateTasks } from '../src/suites/generate.js';
import type { Trajectory } from '../src/trajectory/trajectory.js';
import { verify } from '../src/verifiers/verify.js';

const tasks = [...generateTasks({ suite: 'injection', split: 'dev', seed: 0 }).filter((_task, index) => index % 7 === 0), ...generateTasks({ suite: 'harm', split: 'dev', seed: 0 }).slice(0, 8)];

async function failuresOf(spec: string) {
  const evaluated = await evaluatePolicy(await createPolicy(spec), tasks);
  return mineFailures(evaluated.map((item) => ({ task: item.task, trajectory: item.episode.trajectory, verdict: item.verdict, sample: 0 })));
}

describe('repair prompts', () => {
  it('hold the request, the failed trajectory with its calls and the feedback with the offending step', async () => {
    const failures = await failuresOf('scripted:repair-mix');
    expect(new Set(failures.map((failure) => failure.primaryType))).toEqual(new Set(['followed-injection', 'complied-with-harm', 'over-refused']));
    for (const failure of failures) {
      const prompt = buildRepairPrompt(failure, 'plain');
      expect(prompt).toContain(failure.task.prompt);
      for (const failed of failure.failedObjectives) {
        expect(prompt).toContain(failed.reason);
        if (failed.step !== null) expect(prompt).toContain(`at step ${failed.step + 1}:`);
      }
      const calls = failure.trajectory.messages.flatMap((message) => (message.role === 'assistant' ? (message.tool_calls ?? []) : []));
      for (const call of calls) expect(prompt).toContain(`called ${call.function.name} with`);
      if (failure.primaryType === 'followed-injection') expect(prompt).toContain('followed an instruction injected into a tool result');
    }
  });

  it('keep the trajectory of the compact rendering within 600 characters', async () => {
    const failures = await failuresOf('scripted:comply-all');
    const template = loadRepairTemplate('compact');
    expect(template.trajectory.maxCharacters).toBeLessThanOrEqual(600);
    for (const failure of failures) {
      const rendered = renderTrajectoryForRepair(failure.trajectory, template.trajectory);
      expect(rendered.length).toBeLessThanOrEqual(600);
      const compact = buildRepairPrompt(failure, 'compact');
      expect(compact).toContain(failure.task.prompt);
      expect(compact.length).toBeLessThan(buildRepairPrompt(failure, 'plain').length);
      expect(compact.length).toBeLessThanOrEqual(failure.task.prompt.length + 600 + 400);
    }
  });

  it('leave steps out of a long trajectory but keep the offending and the last step', () => {
    const messages: Trajectory['messages'] = [
      { role: 'system', content: 'system' },
      { role: 'user', content: 'user' },
    ];
    const steps: Trajectory['steps'] = [];
    for (let step = 0; step < 30; step += 1) {
      steps.push({ messageIndex: messages.length, kind: 'tool-calls', calls: [{ toolCallId: `call_${step}`, name: 'search', status: 'ok' }] });
      messages.push({ role: 'assistant', content: null, tool_calls: [{ id: `call_${step}`, type: 'function', function: { name: `tool_${step}`, arguments: JSON.stringify({ query: 'x'.repeat(60) }) } }] });
      messages.push({ role: 'tool', tool_call_id: `call_${step}`, content: 'result '.repeat(40) });
    }
    steps.push({ messageIndex: messages.length, kind: 'answer', calls: [] });
    messages.push({ role: 'assistant', content: 'All done.' });
    const trajectory: Trajectory = { taskId: 't', messages, tools: [], steps, termination: 'answer' };
    const format = loadRepairTemplate('compact').trajectory;
    const rendered = renderTrajectoryForRepair(trajectory, format, [20]);
    expect(rendered.length).toBeLessThanOrEqual(format.maxCharacters);
    expect(rendered).toContain('21. tool_20 ');
    expect(rendered).toContain('31. answer: All done.');
    expect(rendered).toContain('1. tool_0 ');
    expect(rendered).toMatch(/\(… \d+ …\)/);
    expect(renderTrajectoryForRepair({ ...trajectory, messages: messages.slice(0, 2), steps: [] }, format)).toBe('(none)');
  });
});

describe('repair candidates', () => {
  it('copy the task with the repair prompt and a derived id that the scripted policies read the same way', () => {
    const task = tasks[1]!;
    const candidate = repairCandidateTask(task, 'repair prompt', 5);
    expect(candidate.id).toBe(`${task.id}~repair~5`);
    expect(candidate.id).toBe(repairCandidateTaskId(task.id, 5));
    expect(candidate.prompt).toBe('repair prompt');
    expect({ ...candidate, id: task.id, prompt: task.prompt }).toEqual(task);
    expect(parseRepairCandidateTaskId(candidate.id)).toEqual({ taskId: task.id, candidateIndex: 5 });
    expect(scriptedRepairCandidate(candidate.id)).toEqual(parseRepairCandidateTaskId(candidate.id));
    expect(parseRepairCandidateTaskId(task.id)).toBeNull();
    expect(scriptedRepairCandidate(task.id)).toBeNull();
  });

  it('run from a fresh copy of the initial state and are judged by the original task', async () => {
    const harmful = tasks.find((task) => task.kind === 'harmful')!;
    const policy = await createPolicy('scripted:comply-all');
    const [original] = await runEpisodes([harmful], policy);
    const [candidate] = await runEpisodes([repairCandidateTask(harmful, 'Please try again.', 0)], policy);
    expect(candidate!.before).toEqual(original!.before);
    expect(candidate!.trajectory.messages[1]).toEqual({ role: 'user', content: 'Please try again.' });
    // comply-all re-does its plan on the original request: same calls, same verdict.
    const originalVerdict = verify(harmful, original!.trajectory, original!.before, original!.after);
    const candidateVerdict = verify(harmful, candidate!.trajectory, candidate!.before, candidate!.after);
    expect(candidateVerdict.scores).toEqual(originalVerdict.scores);
    expect(candidateVerdict.scores.security.value).toBe(0);
  });
});
