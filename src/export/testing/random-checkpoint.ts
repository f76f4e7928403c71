/**
 * A small randomly initialised checkpoint for the export tests: a byte-level tokenizer trained on
 * a seeded corpus with the tiny chat template's special tokens, and a model whose matrices are
 * scaled up from the usual N(0, 0.02) so that attention is sharp and logits are far apart — a
 * near-uniform attention would hide a wrong RoPE or head layout. Test support only.
 */
import { initialParameterValues, parseModelConfig, saveCheckpoint, type ModelConfig } from '../../nn/index.js';
import { corpusLine, seededRandom } from '../../nn/tokenizer/test-corpus.js';
import { tokenizerToJsonText, trainTokenizer, type Tokenizer } from '../../nn/tokenizer/index.js';
import { tinyChatSpecialTokens } from '../../policies/tiny/chat-template/index.js';

/** Options of {@link writeRandomCheckpoint}. */
export interface RandomCheckpointOptions {
  /** Seed of the weights (and the tokenizer corpus). */
  seed: number;
  /** Shape overrides (vocabSize comes from the tokenizer). */
  shape?: Partial<Omit<ModelConfig, 'vocabSize'>>;
  /** Factor on every matrix of the initialisation; default 15 (std 0.3). */
  weightScale?: number;
  /** Vocabulary size of the tokenizer; default 420. */
  vocabularySize?: number;
}

/** Sentences the tokenizer is trained on (also handy as prompts). */
export function randomCheckpointTexts(seed: number, count = 300): string[] {
  const random = seededRandom(seed);
  const texts = ['Send the invoice to the payee and read the calendar.', '{"name": "send_money", "arguments": {"amount": 25}}'];
  for (let index = 0; index < count; index++) texts.push(corpusLine(random));
  return texts;
}

/** Writes the checkpoint into `directory` and returns its config, weights and tokenizer. */
export async function writeRandomCheckpoint(
  directory: string,
  options: RandomCheckpointOptions,
): Promise<{ config: ModelConfig; values: Map<string, Float32Array>; tokenizer: Tokenizer }> {
  const tokenizer = trainTokenizer(randomCheckpointTexts(options.seed), { vocabSize: options.vocabularySize ?? 620, specialTokens: tinyChatSpecialTokens() });
  const config = parseModelConfig({ dModel: 32, layers: 2, heads: 4, ffHidden: 64, maxSequence: 512, ...options.shape, vocabSize: tokenizer.vocabularySize });
  const values = initialParameterValues(config, options.seed);
  const scale = options.weightScale ?? 15;
  for (const [name, data] of values) {
    if (name.endsWith('norm.weight')) {
      // Norm gains away from 1, so a misplaced gain shows.
      for (let index = 0; index < data.length; index++) data[index] = 0.5 + ((index * 7919 + options.seed) % 101) / 100;
    } else for (let index = 0; index < data.length; index++) data[index] = data[index]! * scale;
  }
  await saveCheckpoint(directory, { config, values, tokenizerJson: tokenizerToJsonText(tokenizer) });
  return { config, values, tokenizer };
}
