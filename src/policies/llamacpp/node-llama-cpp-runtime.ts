/**
 * The part of `node-llama-cpp` (an optional dependency, pinned to 3.21.1) that the `llamacpp`
 * policy uses, typed here so that fate type-checks and runs without it; the package is imported
 * only when a `llamacpp:` policy is created. Its prebuilt CPU binary is used and nothing is
 * downloaded or built.
 */

/** The version fate is tested with (package.json pins it as an optional dependency). */
export const NODE_LLAMA_CPP_VERSION = '3.21.1';

/** node-llama-cpp is not installed (or cannot load its binary); the message is one line. */
export class LlamaCppUnavailableError extends Error {
  override readonly name = 'LlamaCppUnavailableError';

  /** `not-installed`: the package is absent; `failed`: it is installed but could not load or start. */
  constructor(
    message: string,
    readonly reason: 'not-installed' | 'failed',
  ) {
    super(message);
  }
}

/** What one evaluated token may ask for next: the full next-token distribution. */
export type ControlledEvaluateItem = number | [token: number, options: { generateNext?: { probabilities?: boolean; token?: boolean; options?: { temperature?: number } } }];

/** A context sequence: one KV cache that tokens are evaluated into. */
export interface LlamaCppSequence {
  /** Tokens currently in the sequence's cache. */
  readonly contextTokens: number[];
  /** Index where the next evaluated token goes. */
  readonly nextTokenIndex: number;
  /** Removes tokens `[start, end)` from the cache. */
  eraseContextTokenRanges(ranges: Array<{ start: number; end: number }>): Promise<void>;
  /** Evaluates tokens; an item that asks for it gets the next token's probabilities (and choice). */
  controlledEvaluate(input: ControlledEvaluateItem[]): Promise<Array<undefined | { next: { token?: number | null; probabilities?: Map<number, number> } }>>;
  /** Frees the sequence for reuse. */
  dispose(): void;
}

/** A context: KV caches for a number of sequences of a given size. */
export interface LlamaCppContext {
  /** Tokens each sequence holds. */
  readonly contextSize: number;
  /** A free sequence. */
  getSequence(): LlamaCppSequence;
  /** Frees the context. */
  dispose(): Promise<void>;
}

/** Options of a context, as node-llama-cpp names them. */
export interface LlamaCppContextOptions {
  /** Tokens each sequence holds. */
  contextSize: number;
  /** Sequences (parallel KV caches). */
  sequences: number;
  /** Element type of the cached keys (node-llama-cpp's default is F16). */
  experimentalKvCacheKeyType?: 'F32' | 'F16';
  /** Element type of the cached values (node-llama-cpp's default is F16). */
  experimentalKvCacheValueType?: 'F32' | 'F16';
  /** Flash attention (`auto` by default). */
  flashAttention?: boolean;
  /** Threads that evaluate tokens (node-llama-cpp's default: every math core). */
  threads?: number;
}

/** Below this many parameters a token's work is too small to share between threads. */
const singleThreadParameterLimit = 20_000_000;

/**
 * Context options under which llama.cpp computes in float32 throughout, as fate does: keys and
 * values are cached in F32 (node-llama-cpp caches F16 by default, which moves log-probabilities
 * by ~5e-3), and flash attention is off. The KV cache type options are marked experimental in
 * node-llama-cpp; they are tested with the pinned 3.21.1 on the CPU backend. A model of fewer
 * than 20 M parameters (every fate model so far) runs on one thread: llama.cpp's threads wait
 * for each other by spinning, and on a busy machine a 1 M-parameter model took ≈1.2 s per token
 * on two threads against ≈2 ms on one.
 */
export function float32ContextOptions(contextSize: number, sequences: number, parameterCount: number): LlamaCppContextOptions {
  return {
    contextSize,
    sequences,
    experimentalKvCacheKeyType: 'F32',
    experimentalKvCacheValueType: 'F32',
    flashAttention: false,
    ...(parameterCount < singleThreadParameterLimit ? { threads: 1 } : {}),
  };
}

/** A loaded model. */
export interface LlamaCppModel {
  /** Creates a context with `sequences` sequences of `contextSize` tokens each. */
  createContext(options: LlamaCppContextOptions): Promise<LlamaCppContext>;
  /** Frees the model. */
  dispose(): Promise<void>;
}

/** The llama.cpp runtime. */
export interface LlamaCppRuntime {
  /** Loads a GGUF model into memory (CPU). */
  loadModel(options: { modelPath: string; gpuLayers?: number }): Promise<LlamaCppModel>;
}

let runtime: Promise<LlamaCppRuntime> | undefined;

/**
 * The process's llama.cpp runtime (CPU only, prebuilt binary, quiet logs), loaded on first use.
 * Throws {@link LlamaCppUnavailableError} when node-llama-cpp is not installed or cannot start.
 */
export function llamaCppRuntime(): Promise<LlamaCppRuntime> {
  runtime ??= startRuntime();
  runtime.catch(() => {
    runtime = undefined;
  });
  return runtime;
}

async function startRuntime(): Promise<LlamaCppRuntime> {
  // A variable specifier keeps TypeScript from resolving the optional package at build time.
  const specifier = 'node-llama-cpp';
  let module: { getLlama: (options: Record<string, unknown>) => Promise<LlamaCppRuntime> };
  try {
    module = (await import(specifier)) as typeof module;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if ((code === 'ERR_MODULE_NOT_FOUND' || code === 'MODULE_NOT_FOUND') && String((error as Error).message).includes(`'${specifier}'`)) {
      throw new LlamaCppUnavailableError(
        `llamacpp policies need the optional dependency node-llama-cpp, which is not installed: run \`npm install node-llama-cpp@${NODE_LLAMA_CPP_VERSION}\``,
        'not-installed',
      );
    }
    throw new LlamaCppUnavailableError(`node-llama-cpp could not be loaded: ${firstLine(error)}`, 'failed');
  }
  try {
    return await module.getLlama({ gpu: false, build: 'never', logLevel: 'error', progressLogs: false });
  } catch (error) {
    throw new LlamaCppUnavailableError(`node-llama-cpp could not start its prebuilt CPU binary: ${firstLine(error)}`, 'failed');
  }
}

function firstLine(error: unknown): string {
  return String((error as Error).message ?? error).split('\n')[0]!;
}
