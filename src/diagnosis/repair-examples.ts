import type { Entity } from '../envs/entity.js';
import { withUserMessage } from '../fate/exports/conversation-split.js';
import type { Failure } from '../fate/failure.js';
import { defaultObjectiveThresholds, type ObjectiveThresholds } from '../fate/objective-thresholds.js';
import type { AssistantMessage, UserMessage } from '../trajectory/message.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { Verdict } from '../verifiers/score.js';
import { formatDiagnosisAnswer } from './answer.js';
import { goldDiagnosis, goldOfFailure } from './gold-diagnosis.js';
import { buildDiagnosisPrompt } from './prompt.js';
import { loadDiagnosisTemplate, type DiagnosisPromptStyle } from './prompt-template.js';
import type { DiagnosisGold, DiagnosisRecord } from './record.js';

/**
 * One supervised diagnosis example: the diagnosis prompt as the user message and the expected
 * answer as the assistant message. `messages` and `tools` form a line of OpenAI chat fine-tuning
 * format (the shape of `sft.jsonl`); the rest says where it came from.
 */
export interface DiagnosisTrainingExample {
  messages: [UserMessage, AssistantMessage];
  /** No tools: the diagnoser only answers. */
  tools: [];
  /** The registered entities of the diagnosed episode (the embedded policy's template maps them to slot tokens). */
  entities: Entity[];
  gold: DiagnosisGold;
  /** Which trajectory of the repair it diagnoses. */
  trajectory: 'failure' | 'repair';
  taskId: string;
}

/** The accepted repair a* of a failure: its trajectory and the verdict against the original task. */
export interface AcceptedRepair {
  trajectory: Trajectory;
  verdict: Verdict;
}

/**
 * The two labelled trajectories of a repaired failure: the failed trajectory, unsafe with the
 * labels of its failure types ({@link goldOfFailure}); and the accepted repair a*, shown under the
 * task's own request x (as the agent sees it at deployment, not the repair prompt), labelled by
 * its own verdict ({@link goldDiagnosis} with `thresholds`): safe when it passes every
 * threshold, which an accepted repair usually does; one that is still, say, incomplete is
 * labelled so rather than called safe.
 */
export function diagnosisRecordsFromRepair(
  failure: Pick<Failure, 'task' | 'trajectory' | 'types' | 'primaryType' | 'failedObjectives'>,
  repair: AcceptedRepair,
  thresholds: ObjectiveThresholds = defaultObjectiveThresholds,
): [DiagnosisRecord, DiagnosisRecord] {
  const { task } = failure;
  const repaired: Trajectory = { ...repair.trajectory, messages: withUserMessage(repair.trajectory.messages, task.prompt) };
  const repairGold = goldDiagnosis({ task, trajectory: repaired, verdict: repair.verdict, sample: 0 }, thresholds);
  const common = { source: 'repair' as const, split: task.split, entities: task.entities };
  return [
    {
      ...common,
      id: `${task.id}/failure`,
      messages: failure.trajectory.messages,
      tools: failure.trajectory.tools,
      gold: goldOfFailure(failure),
      origin: { taskId: task.id, kind: task.kind, family: task.family, behaviour: 'policy', failureTypes: failure.types },
    },
    {
      ...common,
      id: `${task.id}/repair`,
      messages: repaired.messages,
      tools: repaired.tools,
      gold: repairGold.gold,
      origin: { taskId: task.id, kind: task.kind, family: task.family, behaviour: 'policy-repair', failureTypes: repairGold.failureTypes },
    },
  ];
}

/** A supervised example for one labelled record: its diagnosis prompt of `style` and the answer its gold diagnosis calls for, in the style's answer format. */
export function diagnosisTrainingExample(record: DiagnosisRecord, style: DiagnosisPromptStyle, trajectory: DiagnosisTrainingExample['trajectory']): DiagnosisTrainingExample {
  return {
    messages: [
      { role: 'user', content: buildDiagnosisPrompt(record, style) },
      { role: 'assistant', content: formatDiagnosisAnswer(record.gold, loadDiagnosisTemplate(style).answerFormat) },
    ],
    tools: [],
    entities: record.entities,
    gold: record.gold,
    trajectory,
    taskId: record.origin?.taskId ?? record.id,
  };
}

/**
 * Diagnosis from repairs (the building block): a mined failure and its accepted repair become two
 * supervised diagnosis examples, the failed trajectory labelled unsafe with its ATBench labels and
 * the repaired one labelled by its own verdict (safe, normally) — prompt and expected answer as
 * chat messages, so that training on repairs also teaches the policy to judge trajectories.
 */
export function diagnosisExamplesFromRepair(
  failure: Pick<Failure, 'task' | 'trajectory' | 'types' | 'primaryType' | 'failedObjectives'>,
  repair: AcceptedRepair,
  options: { style: DiagnosisPromptStyle; thresholds?: ObjectiveThresholds },
): [DiagnosisTrainingExample, DiagnosisTrainingExample] {
  const [failed, repaired] = diagnosisRecordsFromRepair(failure, repair, options.thresholds);
  return [diagnosisTrainingExample(failed, options.style, 'failure'), diagnosisTrainingExample(repaired, options.style, 'repair')];
}
