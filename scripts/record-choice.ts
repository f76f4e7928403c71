/**
 * How often a tiny checkpoint picks the right record: `npx tsx scripts/record-choice.ts
 * [--policy DIR] [--suite injection] [--split test] [--filter REGEX] [--json]`. The scripted
 * oracle plays the split's tasks; at every record id it wrote into a tool call, the checkpoint's
 * probability of that id among the record ids the conversation had shown is measured
 * (`src/organism/record-choice.ts`). Run it from a checkout whose chat template is the one the
 * checkpoint was trained with.
 */
import { Command, Option } from 'commander';
import { runEpisodes } from '../src/agent/loop.js';
import { recordChoices, summarizeRecordChoices, type RecordChoice } from '../src/organism/record-choice.js';
import { createPolicy } from '../src/policies/registry.js';
import { baseCheckpointDirectory, TinyPolicy } from '../src/policies/tiny/tiny-policy.js';
import { generateTasks } from '../src/suites/generate.js';

const program = new Command('record-choice')
  .option('--policy <dir>', 'tiny checkpoint folder', baseCheckpointDirectory)
  .addOption(new Option('--suite <suite>', 'suite').choices(['injection', 'harm', 'all']).default('injection'))
  .addOption(new Option('--split <split>', 'split').choices(['train', 'dev', 'test']).default('test'))
  .option('--filter <regex>', 'only tasks whose id matches')
  .option('--json', 'print every choice and the summary as JSON')
  .parse();
const options = program.opts<{ policy: string; suite: 'injection' | 'harm' | 'all'; split: 'train' | 'dev' | 'test'; filter?: string; json?: boolean }>();

const filter = options.filter === undefined ? undefined : new RegExp(options.filter, 'u');
const tasks = generateTasks({ suite: options.suite, split: options.split, seed: 0 }).filter((task) => filter === undefined || filter.test(task.id));
const episodes = await runEpisodes(tasks, await createPolicy('scripted:oracle'));
const policy = await TinyPolicy.load(options.policy);
const choices = await recordChoices(policy, episodes, (done, total) => process.stderr.write(`\rrecord choices: ${done}/${total} episodes`));
process.stderr.write('\n');
policy.release();

/** Choices grouped by task kind (the task id without its split and instance). */
function byKind(all: readonly RecordChoice[]): Map<string, RecordChoice[]> {
  const groups = new Map<string, RecordChoice[]>();
  for (const choice of all) {
    const kind = choice.taskId.split('/').slice(2, 3).join('/');
    groups.set(kind, [...(groups.get(kind) ?? []), choice]);
  }
  return groups;
}

const summary = summarizeRecordChoices(choices);
if (options.json) {
  process.stdout.write(`${JSON.stringify({ policy: options.policy, suite: options.suite, split: options.split, summary, choices }, null, 2)}\n`);
} else {
  const line = (name: string, group: readonly RecordChoice[]): string => {
    const { choices: count, topOne, meanProbability, chance } = summarizeRecordChoices(group);
    return `${name.padEnd(40)} ${String(count).padStart(4)}  top-1 ${topOne.toFixed(3)}  P(right) ${meanProbability.toFixed(3)}  chance ${chance.toFixed(3)}`;
  };
  for (const [kind, group] of [...byKind(choices)].sort(([left], [right]) => left.localeCompare(right))) process.stdout.write(`${line(kind, group)}\n`);
  process.stdout.write(`${line('all', choices)}\n`);
}
process.exit(0);
