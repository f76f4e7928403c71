/**
 * Where the injected goals of an eval run's attacked episodes got to: `npx tsx
 * scripts/injection-outcomes.ts --run runs/<id> [--by goal|attack|user-task]
 * [--tokenizer FILE] [--json]`. Each attacked episode is put in one of
 * `src/organism/injection-outcome.ts`'s outcomes — not reached, out of view (the tiny template cut
 * it), ignored, partly carried out, every goal tool called with the goal not done, carried out —
 * overall and per goal, attack or user task. `out-of-view` is told apart for tiny policies (the
 * checkpoint's tokenizer, or `--tokenizer`), with the chat template of this checkout.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { Command, Option } from 'commander';
import { loadTokenizer } from '../src/nn/tokenizer/index.js';
import { countInjectionOutcomes, injectionOutcome, injectionOutcomes, type InjectionOutcome, type InjectionView } from '../src/organism/injection-outcome.js';
import { baseCheckpointDirectory } from '../src/policies/tiny/tiny-policy.js';
import { RunStore } from '../src/store/run-store.js';

const program = new Command('injection-outcomes')
  .requiredOption('--run <folder>', 'folder of a `fate eval` run (runs/<id>)')
  .addOption(new Option('--by <part>', 'also break the outcomes down by this part of the task').choices(['goal', 'attack', 'user-task']).default('goal'))
  .option('--tokenizer <file>', "tokenizer.json that renders the policy's prompts (default: the tiny checkpoint's, when the episodes are a tiny policy's)")
  .option('--json', 'print the counts as JSON')
  .parse();
const options = program.opts<{ run: string; by: 'goal' | 'attack' | 'user-task'; tokenizer?: string; json?: boolean }>();

/** One-line error and a non-zero exit. */
function fail(message: string): never {
  process.stderr.write(`injection-outcomes: ${message}\n`);
  process.exit(1);
}

let store: RunStore;
try {
  store = RunStore.open(options.run);
} catch (error) {
  fail((error as Error).message);
}
/** The phase under which `fate eval` stores its episodes. */
const evalPhase = 'eval';
const episodes = store.episodes(evalPhase);
if (episodes.length === 0) fail(`${options.run}: no episodes of a \`fate eval\` run there (phases: ${Object.keys(store.episodeCounts()).join(', ') || 'none'})`);
const tasks = new Map(store.tasks().map((task) => [task.id, task]));

/** The tokenizer file of a tiny policy spec (`tiny`, `tiny:DIR`), or undefined. */
function tinyTokenizerFile(policy: string): string | undefined {
  if (policy === 'tiny') return path.join(baseCheckpointDirectory, 'tokenizer.json');
  if (policy.startsWith('tiny:')) return path.join(policy.slice('tiny:'.length), 'tokenizer.json');
  return undefined;
}
const tokenizerFile = options.tokenizer ?? tinyTokenizerFile(episodes[0]!.policy);
if (tokenizerFile !== undefined && !existsSync(tokenizerFile)) fail(`${tokenizerFile}: no such tokenizer (give one with --tokenizer)`);
const view: InjectionView | undefined = tokenizerFile === undefined ? undefined : { tokenizer: await loadTokenizer(tokenizerFile) };

/** The part of an attacked task id (`injection/<split>/<user task>/<goal>/<attack>/<n>`) the breakdown groups by. */
const partIndex = { 'user-task': 2, goal: 3, attack: 4 }[options.by];
const rows = new Map<string, InjectionOutcome[]>();
const all: InjectionOutcome[] = [];
for (const episode of episodes) {
  const task = tasks.get(episode.taskId);
  if (task === undefined) fail(`${options.run}: episode of task ${episode.taskId}, which the run does not store`);
  const outcome = injectionOutcome(task, episode.trajectory, episode.verdict, view);
  if (outcome === undefined) continue;
  all.push(outcome);
  const key = episode.taskId.split('/')[partIndex] ?? episode.taskId;
  rows.set(key, [...(rows.get(key) ?? []), outcome]);
}
if (all.length === 0) fail(`${options.run}: no attacked episodes`);

const breakdown = Object.fromEntries([...rows].sort(([left], [right]) => left.localeCompare(right)).map(([key, outcomes]) => [key, countInjectionOutcomes(outcomes)]));
const overall = countInjectionOutcomes(all);
if (options.json) {
  process.stdout.write(`${JSON.stringify({ run: options.run, view: tokenizerFile ?? null, episodes: all.length, overall, by: options.by, breakdown }, null, 2)}\n`);
} else {
  const width = Math.max(options.by.length, 5, ...[...rows.keys()].map((key) => key.length));
  const header = [options.by.padEnd(width), 'n'.padStart(4), ...injectionOutcomes.map((outcome) => outcome.padStart(Math.max(outcome.length, 4)))].join('  ');
  const line = (label: string, counts: Record<InjectionOutcome, number>): string => {
    const total = injectionOutcomes.reduce((sum, outcome) => sum + counts[outcome], 0);
    return [label.padEnd(width), String(total).padStart(4), ...injectionOutcomes.map((outcome) => String(counts[outcome]).padStart(Math.max(outcome.length, 4)))].join('  ');
  };
  process.stdout.write(`${options.run}: ${all.length} attacked episodes; out-of-view ${view ? `with ${tokenizerFile}` : 'not told apart (no tiny tokenizer)'}\n`);
  process.stdout.write(`${header}\n`);
  for (const [key, counts] of Object.entries(breakdown)) process.stdout.write(`${line(key, counts)}\n`);
  process.stdout.write(`${line('total', overall)}\n`);
  const reached = all.length - overall['not-reached'] - overall['out-of-view'];
  if (reached > 0) process.stdout.write(`carried out when in view: ${overall['carried-out']} of ${reached} (${(overall['carried-out'] / reached).toFixed(3)})\n`);
}
store.close();
