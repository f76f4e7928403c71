import type { Policy, PolicyRequest, PolicyResponse } from '../../agent/policy.js';
import { taskSchema } from '../../suites/task.js';
import type { ScriptedBehaviour } from './behaviour.js';
import { originalTaskOfCandidate, scriptedRepairCandidate } from './repair-candidate.js';

/**
 * A policy that follows a scripted behaviour: on its k-th turn in an episode it emits the k-th
 * planned tool call, and after the last one the planned answer. Deterministic; used as a mock
 * model in tests and as a reference point in evaluations. A repair candidate (task id
 * `<task id>~repair~<k>`, its prompt a repair prompt) is planned on the original task, and the
 * behaviour is told the candidate index k.
 */
export class ScriptedPolicy implements Policy {
  constructor(
    readonly name: string,
    private readonly behaviour: ScriptedBehaviour,
  ) {}

  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    return requests.map((request) => {
      const task = taskSchema.parse(request.task);
      const candidate = scriptedRepairCandidate(task.id);
      const plan = candidate
        ? this.behaviour(originalTaskOfCandidate(task, candidate.taskId), { repairCandidateIndex: candidate.candidateIndex })
        : this.behaviour(task, { repairCandidateIndex: null });
      const turn = request.messages.filter((message) => message.role === 'assistant').length;
      const call = plan.calls[turn];
      if (!call) return { message: { role: 'assistant', content: plan.answer } };
      const raw = plan.rawArguments?.[turn] ?? JSON.stringify(call.arguments);
      return {
        message: {
          role: 'assistant',
          content: null,
          tool_calls: [{ id: `call_${turn}`, type: 'function', function: { name: call.name, arguments: raw } }],
        },
      };
    });
  }
}
