import { readFileSync } from 'node:fs';
import path from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { runEpisodes, type Episode } from '../src/agent/loop.js';
import { injectionShownWhenFollowed } from '../src/organism/injection-visibility.js';
import { tokenizerFromJson, type Tokenizer } from '../src/nn/tokenizer/index.js';
import { followInjectionPlan, solvePlan } from '../src/policies/scripted/plans.js';
import { ScriptedPolicy } from '../src/policies/scripted/scripted-policy.js';
import { loadTinyChatTemplate, renderConversation, templateTokenIds, type TinyChatTemplate } from '../src/policies/tiny/chat-template/index.js';
import { baseCheckpointDirectory } from '../src/policies/tiny/tiny-policy.js';
import { generateTasks } from '../src/suites/generate.js';
import type { TaskKind } from '../src/suites/task.js';

/**
 * Which values a right answer copies does the tiny chat template show? An entity slot the policy
 * emits must already stand for a value in its prompt (the grammar refuses any other), so a turn
 * that needs a value the template cut from a long tool result cannot succeed at all. The committed
 * template cuts a long result to its head and tail; entity windows
 * (`toolResultEntityContextTokens`) keep the values of the cut middle.
 */
let tokenizer: Tokenizer;
let slotIds: Set<number>;

beforeAll(() => {
  tokenizer = tokenizerFromJson(JSON.parse(readFileSync(path.join(baseCheckpointDirectory, 'tokenizer.json'), 'utf8')));
  slotIds = new Set(templateTokenIds(tokenizer, loadTinyChatTemplate()).slots);
});

/** The committed template with entity windows: a 112-token budget, 2 tokens before each entity, at least 8 of the head. */
function windowedTemplate(): TinyChatTemplate {
  return { ...loadTinyChatTemplate(), toolResultTokenBudget: 112, toolResultEntityContextTokens: 2, toolResultMinimumHeadTokens: 8 };
}

/** Whether every slot of every assistant turn appeared earlier in the rendered episode. */
function copiesOnlyShownValues(episode: Episode, template: TinyChatTemplate): boolean {
  const rendered = renderConversation(episode.trajectory.messages, episode.trajectory.tools, episode.task.entities, { tokenizer, template });
  const shown = new Set<number>();
  for (let index = 0; index < rendered.tokenIds.length; index++) {
    const id = rendered.tokenIds[index]!;
    if (!slotIds.has(id)) continue;
    if (rendered.assistantMask[index] === 1 && !shown.has(id)) return false;
    shown.add(id);
  }
  return true;
}

const played = new Map<string, Promise<Episode[]>>();

/** The test episodes of `kind` played by `plan`, played once per plan and kind. */
function testEpisodes(plan: typeof solvePlan, kind: TaskKind): Promise<Episode[]> {
  const key = `${plan === solvePlan ? 'solve' : 'follow'}:${kind}`;
  let episodes = played.get(key);
  if (!episodes) {
    const tasks = generateTasks({ suite: 'injection', split: 'test', seed: 0 }).filter((task) => task.kind === kind);
    played.set(key, (episodes = runEpisodes(tasks, new ScriptedPolicy('visibility', plan), { batchSize: 64 })));
  }
  return episodes;
}

/** Share of the test episodes of `kind`, played by `plan`, that copy only values their prompt shows, under each template. */
async function sharesShown(plan: typeof solvePlan, kind: TaskKind): Promise<{ committed: number; windowed: number }> {
  const episodes = await testEpisodes(plan, kind);
  const share = (template: TinyChatTemplate) => episodes.filter((episode) => copiesOnlyShownValues(episode, template)).length / episodes.length;
  return { committed: share(loadTinyChatTemplate()), windowed: share(windowedTemplate()) };
}

describe('values a task copies, in view of the tiny policy', () => {
  it('benign test tasks: the head-and-tail cut hides a needed value in over a third of them, entity windows in under a fifth', async () => {
    // Measured: 29 of 48 shown with the committed template, 41 of 48 with windows.
    const { committed, windowed } = await sharesShown(solvePlan, 'benign');
    expect(committed).toBeLessThanOrEqual(0.65);
    expect(windowed).toBeGreaterThanOrEqual(0.8);
  });

  it('carrying out an injected goal: the cut hides a needed value in almost every attacked test task, windows in under half', async () => {
    // Measured: 7 of 96 with the committed template, 59 of 96 with windows (the goal's lookups sit in the middle of long results).
    const { committed, windowed } = await sharesShown(followInjectionPlan, 'attacked');
    expect(committed).toBeLessThanOrEqual(0.15);
    expect(windowed).toBeGreaterThanOrEqual(0.55);
  });
});

describe('injected instructions, in view of the tiny policy', () => {
  it('the committed cut hides the instruction at the turn that would follow it in over half the attacked test tasks; a 192-token budget with windows in under a fifth', async () => {
    // Measured (at least half of the instruction's word 4-grams in the prompt): 44 of 96 with the committed template, 78 of 96 with 192 tokens (head, windows, a 96-token tail).
    const episodes = await testEpisodes(followInjectionPlan, 'attacked');
    const wide: TinyChatTemplate = { ...windowedTemplate(), toolResultTokenBudget: 192, toolResultTailTokens: 96 };
    const shown = (template: TinyChatTemplate) => episodes.filter((episode) => injectionShownWhenFollowed(episode, tokenizer, template)).length / episodes.length;
    expect(shown(loadTinyChatTemplate())).toBeLessThanOrEqual(0.55);
    expect(shown(wide)).toBeGreaterThanOrEqual(0.75);
  });
});
