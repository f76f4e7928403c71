/**
 * How often a tiny checkpoint picks the right record: `npx tsx scripts/record-choice.ts
 * [--policy DIR] [--suite injection] [--split test] [--filter REGEX] [--kinds record-ids|all]
 * [--reference oracle|follow-injections] [--json]`. A scripted behaviour (the oracle by default)
 * plays the split's tasks; at every record id (with `--kinds all`, every entity) it wrote into a
 * tool call, the checkpoint's probability of that slot among the slots of its kind the
 * conversation had shown is measured (`src/organism/record-choice.ts`). Run it from a checkout
 * whose chat template is the one the checkpoint was trained with.
 */
import { Command, Option } from 'commander';
import { runEpisodes } from '../src/agent/loop.js';
import { recordChoices, summarizeRecordChoices, type ChoiceKinds, type RecordChoice } from '../src/organism/record-choice.js';
import { startProgress } from '../src/cli/progress.js';
import { createPolicy } from '../src/policies/registry.js';
import { baseCheckpointDirectory, TinyPolicy } from '../src/policies/tiny/tiny-policy.js';
import { generateTasks } from '../src/suites/generate.js';

const program = new Command('record-choice')
  .option('--policy <dir>', 'tiny checkpoint folder', baseCheckpointDirectory)
  .addOption(new Option('--suite <suite>', 'suite').choices(['injection', 'harm', 'all']).default('injection'))
  .addOption(new Option('--split <split>', 'split').choices(['train', 'dev', 'test']).default('test'))
  .option('--filter <regex>', 'only tasks whose id matches')
  .addOption(new Option('--kinds <kinds>', 'record ids only, or entities of every kind').choices(['record-ids', 'all']).default('record-ids'))
  .addOption(
    new Option('--reference <behaviour>', 'the scripted behaviour whose episodes are scored: the oracle, or one that carries out every injected goal it reads').choices(['oracle', 'follow-injections']).default('oracle'),
  )
  .option('--json', 'print every choice and the summary as JSON')
  .parse();
const options = program.opts<{
  policy: string;
  suite: 'injection' | 'harm' | 'all';
  split: 'train' | 'dev' | 'test';
  filter?: string;
  kinds: ChoiceKinds;
  reference: 'oracle' | 'follow-injections';
  json?: boolean;
}>();

const filter = options.filter === undefined ? undefined : new RegExp(options.filter, 'u');
const tasks = generateTasks({ suite: options.suite, split: options.split, seed: 0 }).filter((task) => filter === undefined || filter.test(task.id));
const episodes = await runEpisodes(tasks, await createPolicy(`scripted:${options.reference}`));
const policy = await TinyPolicy.load(options.policy);
const progress = startProgress('choices', episodes.length);
const choices = await recordChoices(policy, episodes, { kinds: options.kinds, onEpisodeDone: (done) => progress.update(done) });
progress.stop();
policy.release();

/** Choices grouped by a key. */
function groupBy(all: readonly RecordChoice[], key: (choice: RecordChoice) => string): Map<string, RecordChoice[]> {
  const groups = new Map<string, RecordChoice[]>();
  for (const choice of all) groups.set(key(choice), [...(groups.get(key(choice)) ?? []), choice]);
  return new Map([...groups].sort(([left], [right]) => left.localeCompare(right)));
}

/** The task kind of a choice: its task id without split and instance (the user task; for an attacked task, also the injected goal). */
const taskKind = (choice: RecordChoice): string => {
  const parts = choice.taskId.split('/');
  return parts[3] === 'benign' || parts[3] === undefined ? parts[2]! : `${parts[2]} ← ${parts[3]}`;
};

const summary = summarizeRecordChoices(choices);
if (options.json) {
  process.stdout.write(`${JSON.stringify({ policy: options.policy, suite: options.suite, split: options.split, summary, choices }, null, 2)}\n`);
} else {
  const width = Math.max(40, ...choices.map((choice) => taskKind(choice).length));
  const line = (name: string, group: readonly RecordChoice[]): string => {
    const { choices: count, topOne, meanProbability, chance } = summarizeRecordChoices(group);
    return `${name.padEnd(width)} ${String(count).padStart(4)}  top-1 ${topOne.toFixed(3)}  P(right) ${meanProbability.toFixed(3)}  chance ${chance.toFixed(3)}`;
  };
  for (const [kind, group] of groupBy(choices, taskKind)) process.stdout.write(`${line(kind, group)}\n`);
  if (options.kinds === 'all') {
    process.stdout.write('\nby entity kind\n');
    for (const [kind, group] of groupBy(choices, (choice) => choice.kind)) process.stdout.write(`${line(kind, group)}\n`);
  }
  process.stdout.write(`${line('all', choices)}\n`);
}
process.exit(0);
