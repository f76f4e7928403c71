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
 * Which values a right answer copies, and which injected instructions, does the tiny chat template
 * show? An entity slot the policy emits must already stand for a value in its prompt (the grammar
 * refuses any other), so a turn that needs a value the template cut from a long tool result
 * cannot succeed at all; and an injection cut out of view cannot be followed. The committed
 * template keeps up to 192 tokens of a tool result (head, entity windows, a 96-token tail); the
 * earlier one kept 96 (head and a 48-token tail, no windows).
 */
let tokenizer: Tokenizer;
let slotIds: Set<number>;

beforeAll(() => {
  tokenizer = tokenizerFromJson(JSON.parse(readFileSync(path.join(baseCheckpointDirectory, 'tokenizer.json'), 'utf8')));
  slotIds = new Set(templateTokenIds(tokenizer, loadTinyChatTemplate()).slots);
});

/** The earlier template's cut: 96 tokens, head and a 48-token tail, no entity windows. */
function earlierTemplate(): TinyChatTemplate {
  return { ...loadTinyChatTemplate(), toolResultTokenBudget: 96, toolResultTailTokens: 48, toolResultEntityContextTokens: 0, toolResultMinimumHeadTokens: 0 };
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

/** Share of `episodes` that copy only values their prompt shows, under the committed and the earlier template. */
function sharesShown(episodes: readonly Episode[]): { committed: number; earlier: number } {
  const share = (template: TinyChatTemplate) => episodes.filter((episode) => copiesOnlyShownValues(episode, template)).length / episodes.length;
  return { committed: share(loadTinyChatTemplate()), earlier: share(earlierTemplate()) };
}

describe('values a task copies, in view of the tiny policy', () => {
  it('benign test tasks: the committed template shows every needed value in almost all, the earlier cut in under two thirds', async () => {
    // Measured: 44 of 48 with the committed template, 29 of 48 with the earlier cut.
    const { committed, earlier } = sharesShown(await testEpisodes(solvePlan, 'benign'));
    expect(committed).toBeGreaterThanOrEqual(0.85);
    expect(earlier).toBeLessThanOrEqual(0.65);
  });

  it('carrying out an injected goal: the committed template shows what it needs in most attacked test tasks, the earlier cut in almost none', async () => {
    // Measured: 78 of 96 with the committed template, 7 of 96 with the earlier cut (the goal's lookups sit in the middle of long results).
    const { committed, earlier } = sharesShown(await testEpisodes(followInjectionPlan, 'attacked'));
    expect(committed).toBeGreaterThanOrEqual(0.75);
    expect(earlier).toBeLessThanOrEqual(0.15);
  });

  it('the injected instruction itself: in view when it would be followed in most attacked test tasks with the committed template, in under half with the earlier cut', async () => {
    // Measured: 78 of 96 with the committed template (at least half of its word 4-grams shown), 44 of 96 with the earlier cut.
    const episodes = await testEpisodes(followInjectionPlan, 'attacked');
    const shown = (template: TinyChatTemplate) => episodes.filter((episode) => injectionShownWhenFollowed(episode, tokenizer, template)).length / episodes.length;
    expect(shown(loadTinyChatTemplate())).toBeGreaterThanOrEqual(0.75);
    expect(shown(earlierTemplate())).toBeLessThanOrEqual(0.55);
  });
});
