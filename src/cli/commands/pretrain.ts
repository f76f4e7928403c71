import path from 'node:path';
import { Command } from 'commander';
import { pretrain, type PretrainEvent } from '../../organism/pretrain.js';
import { PretrainResumeError } from '../../organism/pretrain-resume.js';
import { refreshArgumentKinds } from '../../organism/refresh-argument-kinds.js';
import { pretrainConfigSchema } from '../../organism/pretrain-config.js';
import { baseCheckpointDirectory } from '../../policies/tiny/tiny-policy.js';
import { loadConfig } from '../config.js';
import { startProgress } from '../progress.js';
import { UserError } from '../user-error.js';
import { parseNonNegativeInteger, parsePositiveInteger, parsePositiveNumber } from './parse-integer.js';

interface PretrainOptions {
  out?: string;
  steps?: number;
  minutes?: number;
  worldSeeds?: number;
  processes?: number;
  resume?: boolean;
  refreshArgumentKinds?: boolean;
  config?: string;
}

/** `fate pretrain`: build the base organism from scripted behaviours on the train split. */
export function pretrainCommand(): Command {
  return new Command('pretrain')
    .description('Build the embedded base policy: write the organism corpus (train split only), train the tokenizer and the model, save checkpoints')
    .option('--out <dir>', `where the final checkpoint goes (default: runs/pretrain-<time>; use ${path.relative(process.cwd(), baseCheckpointDirectory) || 'models/base'} to replace the committed base)`)
    .option('--steps <n>', 'optimizer steps (default from the recipe)', parseNonNegativeInteger)
    .option('--minutes <m>', 'time budget in minutes; training stops and saves when it is spent', parsePositiveNumber)
    .option('--world-seeds <n>', 'generation seeds of the train split the corpus draws from', parseNonNegativeInteger)
    .option('--processes <n>', 'processes computing gradients, one per core (default from the recipe)', parsePositiveInteger)
    .option('--resume', 'continue the run in --out from its latest checkpoint (same recipe; --minutes and --processes may change)')
    .option('--refresh-argument-kinds', 'rebuild the corpus of the run in --out from its recorded recipe and rewrite argument-kinds.json there and in its checkpoints (for a checkpoint trained by an older fate); weights untouched')
    .option('--config <file>', 'config file with a "pretrain" section (default ./fate.config.json when present)')
    .action(async (options: PretrainOptions) => {
      const fileConfig = loadConfig(options.config);
      const base = pretrainConfigSchema.parse(fileConfig.pretrain ?? {});
      const config = pretrainConfigSchema.parse({
        ...base,
        recipe: { ...base.recipe, ...(options.worldSeeds !== undefined ? { worldSeeds: options.worldSeeds } : {}) },
        training: {
          ...base.training,
          ...(options.steps !== undefined ? { steps: options.steps } : {}),
          ...(options.minutes !== undefined ? { timeBudgetMinutes: options.minutes } : {}),
          ...(options.processes !== undefined ? { processes: options.processes } : {}),
        },
      });
      if (options.resume && options.out === undefined) throw new UserError('--resume needs --out DIR, the folder of the run to continue');
      if (options.refreshArgumentKinds && options.out === undefined) throw new UserError('--refresh-argument-kinds needs --out DIR, the folder of a pretrain run');
      if (options.refreshArgumentKinds && options.resume) throw new UserError('--refresh-argument-kinds and --resume do not go together');
      const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
      const output = path.resolve(options.out ?? path.join(fileConfig.runsDirectory ?? 'runs', `pretrain-${stamp}`));
      let corpusProgress: ReturnType<typeof startProgress> | undefined;
      const log = (line: string): void => void process.stderr.write(`${line}\n`);
      const onEvent = (event: PretrainEvent): void => {
        switch (event.kind) {
          case 'corpus':
            corpusProgress ??= startProgress('corpus episodes', event.total);
            corpusProgress.update(event.finished);
            break;
          case 'injections-unseen':
            corpusProgress?.stop();
            log(`corpus: ${event.replayed} of ${event.followed} followed injections were out of view (cut from a tool result); those tasks replayed as solved`);
            break;
          case 'corpus-done':
            corpusProgress?.stop();
            log(`corpus: ${event.episodes} episodes (${Object.entries(event.behaviours).map(([name, count]) => `${name} ${count}`).join(', ')})`);
            break;
          case 'tokenizer-done':
            log(`tokenizer: ${event.vocabularySize} tokens trained in ${event.seconds.toFixed(1)} s`);
            break;
          case 'sequences-done':
            log(`sequences: ${event.sequences} (${event.dropped} longer than the context dropped), ${event.tokens} tokens, ${event.assistantTokens} assistant tokens`);
            break;
          case 'model':
            log(`model: ${event.parameters} parameters (d ${event.config.dModel}, ${event.config.layers} layers, ${event.config.heads} heads, context ${event.config.maxSequence})`);
            break;
          case 'training':
            log(
              `training: ${event.steps} ${event.optimizer === 'muon' ? 'Muon' : 'AdamW'} steps of ${event.microBatches} micro-batch${event.microBatches === 1 ? '' : 'es'} × ${event.tokensPerMicroBatch} tokens, ${event.processes} process${event.processes === 1 ? ' (jax-js thread pool)' : 'es (data-parallel)'}, budget ${event.timeBudgetMinutes} min`,
            );
            break;
          case 'step':
            log(
              `step ${event.step}/${event.steps} loss ${event.loss.toFixed(4)} lr ${event.learningRate.toExponential(2)} ${Math.round(event.tokensPerSecond)} tok/s (mean ${Math.round(event.averageTokensPerSecond)}) ${(event.elapsedSeconds / 60).toFixed(1)} min`,
            );
            break;
          case 'checkpoint':
            log(`checkpoint: ${path.relative(process.cwd(), event.directory)}`);
            break;
          case 'resumed':
            log(`resumed: ${path.relative(process.cwd(), event.directory)} (step ${event.step})`);
            break;
        }
      };
      if (options.refreshArgumentKinds) {
        const refreshed = await refreshArgumentKinds(output, onEvent).catch((error: unknown) => {
          if (error instanceof PretrainResumeError) throw new UserError(error.message);
          throw error;
        });
        if (!refreshed.sameCorpus) log(`note: ${path.join(path.relative(process.cwd(), output), 'tokenizer.json')} is not the tokenizer the recipe trains today: the corpus changed a little since this run; argument kinds learned from today's corpus`);
        const entries = Object.values(refreshed.argumentKinds);
        process.stdout.write(
          `argument kinds: ${entries.filter((entry) => entry.kinds).length} reference arguments of ${entries.length} (${entries.filter((entry) => entry.identifierShapes).length} with identifier shapes) written to ${path.relative(process.cwd(), output) || '.'} and ${refreshed.directories.length - 1} checkpoint${refreshed.directories.length === 2 ? '' : 's'}\n`,
        );
        return;
      }
      const result = await pretrain(config, output, onEvent, { resume: options.resume === true }).catch((error: unknown) => {
        if (error instanceof PretrainResumeError) throw new UserError(error.message);
        throw error;
      });
      process.stdout.write(`base checkpoint: ${path.relative(process.cwd(), result.directory)} after ${result.steps} steps, loss ${result.finalLoss.toFixed(4)}, ${(result.seconds / 60).toFixed(1)} min\n`);
    });
}
