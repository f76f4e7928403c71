import { executeToolCall } from '../envs/executor.js';
import { domainByName } from '../envs/registry.js';
import { toOpenAiTool } from '../envs/tool.js';
import type { Task } from '../suites/task.js';
import type { ChatMessage } from '../trajectory/message.js';
import type { StepMetadata, Termination, Trajectory } from '../trajectory/trajectory.js';
import type { Policy, PolicyRequest, PolicyResponse, SamplingOverrides } from './policy.js';

/** One finished episode: its trajectory and the environment before and after. */
export interface Episode {
  task: Task;
  trajectory: Trajectory;
  before: unknown;
  after: unknown;
}

/** Options of {@link runEpisodes}. */
export interface RunEpisodesOptions {
  /** Episodes advanced together in one policy call. */
  batchSize?: number;
  /** Called after each finished episode with the number finished so far. */
  onEpisodeDone?: (finished: number, episode: Episode) => void;
  /** Sampling every policy request of these episodes asks for (absent: the policy's own decoding). */
  sampling?: SamplingOverrides;
}

interface ActiveEpisode {
  task: Task;
  state: unknown;
  before: unknown;
  messages: ChatMessage[];
  steps: StepMetadata[];
  termination: Termination | null;
}

function startEpisode(task: Task): ActiveEpisode {
  const domain = domainByName(task.domain);
  const before = domain.stateSchema.parse(structuredClone(task.initialState));
  return {
    task,
    before,
    state: structuredClone(before),
    messages: [
      { role: 'system', content: task.system },
      { role: 'user', content: task.prompt },
    ],
    steps: [],
    termination: null,
  };
}

/**
 * Applies one policy response to an episode: records the assistant message, executes its tool
 * calls (a malformed call becomes an error result, never an exception), and ends the episode on a
 * final answer, an invalid message or the step limit.
 */
function applyResponse(episode: ActiveEpisode, response: PolicyResponse): void {
  const domain = domainByName(episode.task.domain);
  const message = response.message;
  const messageIndex = episode.messages.length;
  episode.messages.push(message);
  const metadata: StepMetadata = {
    messageIndex,
    kind: 'answer',
    calls: [],
    ...(response.tokenIds ? { tokenIds: response.tokenIds } : {}),
    ...(response.logProbs ? { logProbs: response.logProbs } : {}),
  };
  if (response.error !== undefined) {
    metadata.kind = 'invalid';
    metadata.error = response.error;
  }
  const calls = message.tool_calls ?? [];
  if (calls.length > 0) {
    if (metadata.kind !== 'invalid') metadata.kind = 'tool-calls';
    for (const call of calls) {
      const executed = executeToolCall(domain, episode.state, call, episode.task.tools);
      metadata.calls.push(executed.outcome);
      episode.messages.push({ role: 'tool', tool_call_id: call.id, content: executed.resultText });
    }
  }
  episode.steps.push(metadata);
  if (calls.length === 0) episode.termination = 'answer';
  else if (episode.steps.length >= episode.task.maxSteps) episode.termination = 'step-limit';
}

/**
 * Runs every task as an episode of `policy` against the task's simulated environment, advancing
 * up to `batchSize` episodes per policy call. Never throws for anything a policy returns: a
 * policy call that throws ends the affected episodes as `policy-error`.
 */
export async function runEpisodes(tasks: readonly Task[], policy: Policy, options: RunEpisodesOptions = {}): Promise<Episode[]> {
  const batchSize = Math.max(1, options.batchSize ?? 64);
  const results: Episode[] = new Array(tasks.length);
  const toolsByDomain = new Map<string, ReturnType<typeof toOpenAiTool>[]>();
  const offeredTools = (task: Task) => {
    const key = `${task.domain}:${task.tools.join(',')}`;
    let tools = toolsByDomain.get(key);
    if (!tools) {
      const domain = domainByName(task.domain);
      tools = task.tools.map((name) => {
        const tool = domain.tools.find((candidate) => candidate.name === name);
        if (!tool) throw new Error(`task ${task.id} offers unknown tool ${name}`);
        return toOpenAiTool(tool);
      });
      toolsByDomain.set(key, tools);
    }
    return tools;
  };
  let finished = 0;
  /** Records an episode that has ended (as soon as it ends, so progress is reported as it happens). */
  const record = (episode: ActiveEpisode, index: number): void => {
    const result: Episode = {
      task: episode.task,
      before: episode.before,
      after: episode.state,
      trajectory: {
        taskId: episode.task.id,
        messages: episode.messages,
        tools: offeredTools(episode.task),
        steps: episode.steps,
        termination: episode.termination ?? 'answer',
      },
    };
    results[index] = result;
    finished += 1;
    options.onEpisodeDone?.(finished, result);
  };
  for (let start = 0; start < tasks.length; start += batchSize) {
    const active = tasks.slice(start, start + batchSize).map((task) => startEpisode(task));
    const recorded = new Set<number>();
    while (active.some((episode) => episode.termination === null)) {
      const running = active.filter((episode) => episode.termination === null);
      const requests: PolicyRequest[] = running.map((episode) => ({
        episodeId: episode.task.id,
        messages: episode.messages.slice(),
        tools: offeredTools(episode.task),
        entities: episode.task.entities,
        task: episode.task,
        ...(options.sampling ? { sampling: options.sampling } : {}),
      }));
      let responses: PolicyResponse[];
      try {
        responses = await policy.generate(requests);
        if (responses.length !== requests.length) throw new Error(`policy returned ${responses.length} responses for ${requests.length} requests`);
      } catch (error) {
        const reason = `policy failed: ${(error as Error).message}`;
        responses = requests.map(() => ({ message: { role: 'assistant', content: null }, error: reason }));
        running.forEach((episode) => (episode.termination = 'policy-error'));
      }
      running.forEach((episode, index) => {
        const failed = episode.termination === 'policy-error';
        applyResponse(episode, responses[index] as PolicyResponse);
        if (failed) episode.termination = 'policy-error';
      });
      active.forEach((episode, offset) => {
        if (episode.termination === null || recorded.has(offset)) return;
        recorded.add(offset);
        record(episode, start + offset);
      });
    }
    active.forEach((episode, offset) => {
      if (!recorded.has(offset)) record(episode, start + offset);
    });
  }
  return results;
}
