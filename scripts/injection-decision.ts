/**
 * How strongly a tiny checkpoint turns to an injected goal it has just read, teacher-forced:
 * `npx tsx scripts/injection-decision.ts [--policy DIR] [--split train|dev|test] [--filter REGEX]
 * [--limit N] [--reference follow-injections|oracle] [--by goal|attack|user-task] [--json]`. A scripted
 * behaviour plays the split's attacked injection tasks (`follow-injections` by default: it starts
 * the injected goal at the turn after it reads it; `oracle` goes on with the user's task); at that
 * turn the checkpoint's probability of the behaviour's decision (first token and tool names) is
 * measured (`src/organism/injection-decision.ts`), and averaged over the episodes whose injection
 * the template kept in view. Run it from a checkout whose chat template is the one the checkpoint
 * was trained with.
 */
import { Command, Option } from 'commander';
import { runEpisodes } from '../src/agent/loop.js';
import { injectionDecisions, summarizeInjectionDecisions, type InjectionDecision } from '../src/organism/injection-decision.js';
import { startProgress } from '../src/cli/progress.js';
import { createPolicy } from '../src/policies/registry.js';
import { baseCheckpointDirectory, TinyPolicy } from '../src/policies/tiny/tiny-policy.js';
import { generateTasks } from '../src/suites/generate.js';
import { spreadEvenly } from '../src/suites/spread-evenly.js';

const program = new Command('injection-decision')
  .option('--policy <dir>', 'tiny checkpoint folder', baseCheckpointDirectory)
  .addOption(new Option('--split <split>', 'split').choices(['train', 'dev', 'test']).default('test'))
  .option('--filter <regex>', 'only tasks whose id matches')
  .option('--limit <n>', 'at most this many attacked tasks (after --filter), spread evenly over the split', (value) => {
    const count = Number(value);
    if (!Number.isInteger(count) || count < 1) throw new Error(`--limit: expected a positive integer, got ${value}`);
    return count;
  })
  .addOption(new Option('--reference <behaviour>', 'the scripted behaviour whose turn after the injection is scored').choices(['follow-injections', 'oracle']).default('follow-injections'))
  .addOption(new Option('--by <part>', 'also break the mean down by this part of the task').choices(['goal', 'attack', 'user-task']).default('goal'))
  .option('--json', 'print every decision and the summary as JSON')
  .parse();
const options = program.opts<{ policy: string; split: 'train' | 'dev' | 'test'; filter?: string; limit?: number; reference: 'follow-injections' | 'oracle'; by: 'goal' | 'attack' | 'user-task'; json?: boolean }>();

const filter = options.filter === undefined ? undefined : new RegExp(options.filter, 'u');
const attacked = generateTasks({ suite: 'injection', split: options.split, seed: 0 }).filter((task) => task.kind === 'attacked' && (filter === undefined || filter.test(task.id)));
const tasks = spreadEvenly(attacked, options.limit);
const episodes = await runEpisodes(tasks, await createPolicy(`scripted:${options.reference}`));
const policy = await TinyPolicy.load(options.policy);
const progress = startProgress('decisions', episodes.length);
const { decisions, skipped } = await injectionDecisions(policy, episodes, { onEpisodeDone: (done) => progress.update(done) });
progress.stop();
policy.release();

/** The part of a task id named by `--by`: `injection/<split>/<user task>/<goal>/<attack>/<n>`. */
const part = (decision: InjectionDecision): string => {
  const parts = decision.taskId.split('/');
  return (options.by === 'user-task' ? parts[2] : options.by === 'goal' ? parts[3] : parts[4]) ?? '?';
};

const summary = summarizeInjectionDecisions(decisions);
if (options.json) {
  process.stdout.write(`${JSON.stringify({ policy: options.policy, split: options.split, reference: options.reference, skipped, summary, decisions }, null, 2)}\n`);
} else {
  const groups = new Map<string, InjectionDecision[]>();
  for (const decision of decisions) groups.set(part(decision), [...(groups.get(part(decision)) ?? []), decision]);
  const width = Math.max(12, ...[...groups.keys()].map((key) => key.length));
  const line = (name: string, group: readonly InjectionDecision[]): string => {
    const { inView, meanProbability, aboveHalf } = summarizeInjectionDecisions(group);
    return `${name.padEnd(width)} ${String(inView).padStart(4)} in view  P(decision) ${meanProbability.toFixed(3)}  above 0.5: ${aboveHalf}`;
  };
  process.stdout.write(`${options.policy}, ${options.split}, reference ${options.reference}: ${decisions.length} episodes scored, ${skipped} skipped\n`);
  for (const [name, group] of [...groups].sort(([left], [right]) => left.localeCompare(right))) process.stdout.write(`${line(name, group)}\n`);
  process.stdout.write(`${line('all', decisions)}\n`);
}
process.exit(0);
