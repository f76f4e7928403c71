/**
 * `fate pretrain --refresh-argument-kinds`: a checkpoint trained by an older fate keeps the
 * argument kinds that fate learned then. This rebuilds the run's corpus from its recorded recipe
 * and writes the argument kinds the current code learns from it (identifier shapes, for one),
 * into the run's folder and each of its periodic checkpoints. The weights are not touched.
 */
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { writeArgumentKinds, argumentKindsFile, type ArgumentKinds } from '../policies/tiny/argument-kinds.js';
import { tokenizerToJsonText } from '../nn/tokenizer/index.js';
import { buildCorpus, type PretrainEvent } from './pretrain.js';
import { pretrainConfigSchema, type PretrainConfig } from './pretrain-config.js';
import { PRETRAIN_RUN_FILE, PretrainResumeError, readRecordedConfig } from './pretrain-resume.js';

/** What a refresh wrote. */
export interface RefreshedArgumentKinds {
  /** Folders whose `argument-kinds.json` was written (the run's, then its checkpoints'). */
  directories: string[];
  /** The arguments learned. */
  argumentKinds: ArgumentKinds;
  /** Whether the rebuilt corpus trains the run's own tokenizer; `false` when the corpus changed since the run. */
  sameCorpus: boolean;
}

/** The recipe a run in `directory` was built with: `pretrain.json` of a finished run, else `pretrain-run.json`. */
export function recordedRecipe(directory: string): PretrainConfig {
  for (const name of ['pretrain.json', PRETRAIN_RUN_FILE]) {
    const file = path.join(directory, name);
    if (!existsSync(file)) continue;
    const parsed = pretrainConfigSchema.safeParse(readRecordedConfig(file) ?? {});
    if (!parsed.success) {
      const issue = parsed.error.issues[0]!;
      throw new PretrainResumeError(`${file}: config.${issue.path.join('.')}: ${issue.message}`);
    }
    return parsed.data;
  }
  throw new PretrainResumeError(`${path.join(directory, 'pretrain.json')}: not found (nor ${PRETRAIN_RUN_FILE}), so ${directory} holds no pretrain run`);
}

/**
 * Rebuilds the corpus of the run in `directory` and rewrites its argument kinds (see the module
 * comment). Refused in one line naming the file when the folder holds no trained run.
 */
export async function refreshArgumentKinds(directory: string, onEvent: (event: PretrainEvent) => void = () => undefined): Promise<RefreshedArgumentKinds> {
  const config = recordedRecipe(directory);
  const tokenizerFile = path.join(directory, 'tokenizer.json');
  if (!existsSync(tokenizerFile)) throw new PretrainResumeError(`${tokenizerFile}: not found, so ${directory} holds no trained checkpoint`);
  const { tokenizer, argumentKinds } = await buildCorpus(config, onEvent);
  // A corpus that changed a little since the run (a fixed verifier rewords some repair feedback)
  // reorders tied merges of the tokenizer; the kinds are learned from tool calls all the same.
  const sameCorpus = tokenizerToJsonText(tokenizer) === readFileSync(tokenizerFile, 'utf8');
  const checkpoints = path.join(directory, 'checkpoints');
  const directories = [
    directory,
    ...(existsSync(checkpoints)
      ? readdirSync(checkpoints)
          .filter((name) => /^step-\d+$/.test(name) && existsSync(path.join(checkpoints, name, argumentKindsFile)))
          .sort()
          .map((name) => path.join(checkpoints, name))
      : []),
  ];
  for (const folder of directories) await writeArgumentKinds(folder, argumentKinds);
  return { directories, argumentKinds, sameCorpus };
}
