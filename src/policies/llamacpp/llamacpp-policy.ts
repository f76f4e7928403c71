import { existsSync } from 'node:fs';
import type { Policy, PolicyRequest, PolicyResponse, SamplingOverrides } from '../../agent/policy.js';
import { hashString } from '../../envs/random.js';
import { argumentKindsMetadataKey, GgufError, ggufMetadataValue, readGgufHeader, tokenizerFromGguf } from '../../export/index.js';
import { chooseToken, SeededRandom } from '../../nn/index.js';
import type { Tokenizer } from '../../nn/tokenizer/index.js';
import { generationStopTokenIds, loadTinyChatTemplate, parseAssistantOutput } from '../tiny/chat-template/index.js';
import { promptsWithinContext } from '../tiny/prompts-within-context.js';
import { evaluationDecoding, requestSampling, type Decoding } from '../tiny/decoding.js';
import { parseArgumentKinds, type ArgumentKinds } from '../tiny/argument-kinds.js';
import { GrammarConstraint } from '../tiny/grammar-constraint.js';
import { float32ContextOptions, llamaCppRuntime, type LlamaCppContext, type LlamaCppModel, type LlamaCppSequence } from './node-llama-cpp-runtime.js';

/** A GGUF file that cannot be used as a `llamacpp` policy; the message is one line naming the file. */
export class LlamaCppModelError extends Error {
  override readonly name = 'LlamaCppModelError';
}

/** One generated assistant turn. */
interface GeneratedTurn {
  tokens: number[];
  logProbabilities: number[];
}

/**
 * A fate model exported to GGUF (`fate export --format gguf`), run by llama.cpp through
 * node-llama-cpp. It behaves like the `tiny` policy on the same checkpoint: the conversation is
 * rendered with the tiny chat template (the tokenizer, and the argument kinds the tool-call
 * grammar decodes with, are rebuilt from the GGUF metadata), the
 * token ids go to llama.cpp, which returns the next-token distribution, and the token is chosen
 * on the host with the evaluation decoding (or a request's own sampling, as the tiny policy takes
 * it) and the same per-episode, per-turn seeded streams as the tiny policy (so equal logits give
 * equal samples); the output is parsed with the same
 * parser. Each row of a batch has its own llama.cpp sequence, which keeps the cached prefix it
 * shares with its next prompt; rows are evaluated one after another.
 */
export class LlamaCppPolicy implements Policy {
  private constructor(
    readonly name: string,
    readonly modelPath: string,
    readonly tokenizer: Tokenizer,
    readonly contextLength: number,
    readonly decoding: Decoding,
    private readonly model: LlamaCppModel,
    private readonly context: LlamaCppContext,
    private readonly sequences: LlamaCppSequence[],
    private readonly stopTokens: Set<number>,
    readonly argumentKinds: ArgumentKinds,
  ) {}

  /**
   * Loads a GGUF model exported by fate. Throws {@link LlamaCppModelError} for a file that is
   * missing, not GGUF or not a fate model, and `LlamaCppUnavailableError` when node-llama-cpp is
   * not installed.
   */
  static async load(modelPath: string, decoding: Partial<Decoding> = {}, name = `llamacpp:${modelPath}`): Promise<LlamaCppPolicy> {
    if (!existsSync(modelPath)) throw new LlamaCppModelError(`${modelPath}: file not found`);
    let tokenizer: Tokenizer;
    let contextLength: number;
    let stopTokens: number[];
    let parameterCount: number;
    let argumentKinds: ArgumentKinds = {};
    try {
      const header = await readGgufHeader(modelPath);
      const architecture = ggufMetadataValue(header, 'general.architecture');
      if (architecture !== 'llama') throw new GgufError(`${modelPath}: general.architecture is ${JSON.stringify(architecture ?? null)}, "llama" expected`);
      const length = ggufMetadataValue(header, 'llama.context_length');
      if (typeof length !== 'number' || length <= 0) throw new GgufError(`${modelPath}: llama.context_length is missing`);
      contextLength = length;
      parameterCount = header.tensors.reduce((total, tensor) => total + tensor.shape.reduce((product, size) => product * size, 1), 0);
      tokenizer = tokenizerFromGguf(header, modelPath);
      try {
        stopTokens = generationStopTokenIds(tokenizer);
      } catch (error) {
        throw new GgufError(`${modelPath}: ${(error as Error).message}; export a fate checkpoint with \`fate export --format gguf\``);
      }
      const kinds = ggufMetadataValue(header, argumentKindsMetadataKey);
      if (kinds !== undefined) {
        if (typeof kinds !== 'string') throw new GgufError(`${modelPath}: ${argumentKindsMetadataKey} is not a string`);
        try {
          argumentKinds = parseArgumentKinds(kinds, `${modelPath}: ${argumentKindsMetadataKey}`);
        } catch (error) {
          throw new GgufError((error as Error).message);
        }
      }
    } catch (error) {
      if (error instanceof GgufError) throw new LlamaCppModelError(error.message);
      throw error;
    }
    const settings: Decoding = { ...evaluationDecoding, ...decoding };
    const runtime = await llamaCppRuntime();
    let model: LlamaCppModel;
    try {
      model = await runtime.loadModel({ modelPath, gpuLayers: 0 });
    } catch (error) {
      throw new LlamaCppModelError(`${modelPath}: llama.cpp cannot load it: ${String((error as Error).message).split('\n')[0]}`);
    }
    const context = await model.createContext(float32ContextOptions(contextLength, settings.batchSize, parameterCount));
    const sequences = Array.from({ length: settings.batchSize }, () => context.getSequence());
    return new LlamaCppPolicy(name, modelPath, tokenizer, contextLength, settings, model, context, sequences, new Set(stopTokens), argumentKinds);
  }

  async generate(requests: readonly PolicyRequest[]): Promise<PolicyResponse[]> {
    const { rendered, runnable, responses } = promptsWithinContext(requests, this.tokenizer, this.contextLength - this.decoding.maxNewTokens);
    // One row at a time: node-llama-cpp 3.21.1 evaluating several sequences of a context together
    // (concurrent `controlledEvaluate` calls) returned, now and then, next-token distributions
    // that the same sequence evaluated alone does not give. A row's sequence still keeps the
    // prefix it shares with the row's next prompt (the same episode's next turn, as a rule).
    for (let start = 0; start < runnable.length; start += this.sequences.length) {
      const chunk = runnable.slice(start, start + this.sequences.length);
      for (const [position, index] of chunk.entries()) {
        const request = requests[index]!;
        const turn = request.messages.filter((message) => message.role === 'assistant').length;
        // The tiny policy's stream for this episode and turn.
        const random = new SeededRandom(hashString(`${this.decoding.seed}:${request.episodeId}:${turn}`));
        const constraint =
          this.decoding.grammar === 'tool-calls' ? new GrammarConstraint(this.tokenizer, loadTinyChatTemplate(), request, rendered[index]!.slotMap.values, this.argumentKinds, { slips: this.decoding.slips === 'learned' }) : undefined;
        const sampling = requestSampling(this.decoding, request.sampling);
        const generated = await this.generateTurn(this.sequences[position]!, rendered[index]!.tokenIds, random, constraint, sampling);
        const message = parseAssistantOutput(generated.tokens, rendered[index]!.slotMap, { tokenizer: this.tokenizer, callIdPrefix: `call_${turn}_` });
        responses[index] = { message, tokenIds: generated.tokens, logProbs: generated.logProbabilities };
      }
    }
    return responses;
  }

  /** Frees the llama.cpp context and model. */
  async dispose(): Promise<void> {
    for (const sequence of this.sequences) sequence.dispose();
    await this.context.dispose();
    await this.model.dispose();
  }

  /** Samples one assistant turn after `prompt` on `sequence` with `sampling`, reusing the prefix it already holds. */
  private async generateTurn(
    sequence: LlamaCppSequence,
    prompt: readonly number[],
    random: SeededRandom,
    constraint: GrammarConstraint | undefined,
    sampling: Required<SamplingOverrides>,
  ): Promise<GeneratedTurn> {
    const cached = sequence.contextTokens;
    let kept = 0;
    // At least the last prompt token is evaluated again: its next-token distribution is needed.
    while (kept < prompt.length - 1 && kept < cached.length && cached[kept] === prompt[kept]) kept++;
    if (sequence.nextTokenIndex > kept) await sequence.eraseContextTokenRanges([{ start: kept, end: sequence.nextTokenIndex }]);
    const turn: GeneratedTurn = { tokens: [], logProbabilities: [] };
    let pending = prompt.slice(kept);
    for (;;) {
      const logits = await this.nextTokenLogits(sequence, pending);
      const allowedTokens = constraint?.allowed(turn.tokens, sampling.maxNewTokens - turn.tokens.length <= this.decoding.closingMargin);
      const temperature = constraint?.inArgumentValue(turn.tokens) ? sampling.argumentTemperature : sampling.temperature;
      const choice = chooseToken(logits, { temperature, topP: sampling.topP, ...(allowedTokens ? { allowedTokens } : {}) }, random);
      turn.tokens.push(choice.token);
      turn.logProbabilities.push(choice.logProbability);
      if (this.stopTokens.has(choice.token) || turn.tokens.length >= sampling.maxNewTokens) return turn;
      pending = [choice.token];
    }
  }

  /**
   * Evaluates `tokens` and returns the log-probabilities of the next token over the whole
   * vocabulary (llama.cpp's greedy chain leaves the logits untouched, so these are the raw
   * model's log-softmax; any constant shift leaves the host-side choice unchanged).
   */
  private async nextTokenLogits(sequence: LlamaCppSequence, tokens: readonly number[]): Promise<Float64Array> {
    const last = tokens.length - 1;
    const input = tokens.map((token, index) =>
      index === last ? ([token, { generateNext: { probabilities: true, options: { temperature: 0 } } }] as [number, { generateNext: { probabilities: boolean; options: { temperature: number } } }]) : token,
    );
    const results = await sequence.controlledEvaluate(input);
    const probabilities = results[last]?.next.probabilities;
    if (probabilities === undefined) throw new Error('llama.cpp returned no next-token probabilities');
    const logits = new Float64Array(this.tokenizer.vocabularySize).fill(-Infinity);
    for (const [token, probability] of probabilities) if (token < logits.length) logits[token] = Math.log(probability);
    return logits;
  }
}
