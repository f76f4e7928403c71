/**
 * The tensor engine the model, trainer and sampler are written against. One implementation
 * exists (over @jax-js/jax, `jax-backend.ts`); the interface keeps that choice in one folder so
 * the engine could be swapped (e.g. for tfjs) without touching the model.
 *
 * Ownership: every operation *borrows* its inputs and returns a new tensor. Tensors created
 * inside {@link TensorBackend.scope} (and inside compiled or differentiated functions) are freed
 * when the scope ends, except those it returns; tensors created outside any scope belong to the
 * caller, who frees them with {@link TensorBackend.dispose}.
 */

/** Element type of a tensor. */
export type TensorDataType = 'float32' | 'int32' | 'bool';

/** Opaque handle to an n-dimensional array owned by a backend. */
export interface Tensor {
  /** Dimensions, outermost first. */
  readonly shape: number[];
  /** Element type. */
  readonly dtype: TensorDataType;
  /** Marks the handle as opaque; never read. */
  readonly __tensorBrand?: never;
}

/** A tensor or a (nested) record / array of tensors: parameters, optimizer state, caches. */
export type TensorTree = Tensor | readonly TensorTree[] | { readonly [key: string]: TensorTree };

/** A record of named tensors, e.g. model parameters keyed by checkpoint name. */
export type TensorRecord = Record<string, Tensor>;

/** Host-side data read back from a tensor. */
export type HostData = Float32Array | Int32Array;

/** Hyper-parameters of one AdamW step (all already scheduled for this step). */
export interface AdamWStep {
  /** Learning rate for this step. */
  learningRate: Tensor;
  /** `1 − β1^t`, bias correction of the first moment at step t (1-based). */
  firstMomentCorrection: Tensor;
  /** `1 − β2^t`, bias correction of the second moment. */
  secondMomentCorrection: Tensor;
  /** β1 (first-moment decay). */
  beta1: number;
  /** β2 (second-moment decay). */
  beta2: number;
  /** ε added to the denominator. */
  epsilon: number;
  /** Decoupled weight decay (multiplied by the learning rate); 0 disables it. */
  weightDecay: number;
}

/** Operations over {@link Tensor}s. Every method borrows its tensor arguments. */
export interface TensorBackend {
  /** Engine name, e.g. `jax-js/wasm`. */
  readonly name: string;

  // ---- lifetime ---------------------------------------------------------------------------
  /** Runs `body`, then frees every tensor created in it except those in the returned tree. */
  scope<Result>(body: () => Result): Result;
  /** Frees every tensor of a tree (tensors owned by the caller). */
  dispose(tree: TensorTree | null | undefined): void;

  // ---- host transfer ----------------------------------------------------------------------
  /** A float32 tensor from host values. */
  floatTensor(values: ArrayLike<number>, shape: number[]): Tensor;
  /** An int32 tensor from host values. */
  intTensor(values: ArrayLike<number>, shape: number[]): Tensor;
  /** A float32 scalar. */
  scalar(value: number): Tensor;
  /** A tensor of zeros. */
  zeros(shape: number[], dtype?: TensorDataType): Tensor;
  /** Waits for the tensor and copies it to the host (float32 or int32; bool as int32). */
  read(tensor: Tensor): Promise<HostData>;
  /** Reads a one-element tensor as a number. */
  readNumber(tensor: Tensor): Promise<number>;
  /** Waits until every tensor of the tree is computed (bounds queued work and memory). */
  synchronize(tree: TensorTree): Promise<void>;

  // ---- elementwise and shape ----------------------------------------------------------------
  /** `a + b`, broadcasting. */
  add(a: Tensor, b: Tensor | number): Tensor;
  /** `a − b`, broadcasting. */
  subtract(a: Tensor, b: Tensor | number): Tensor;
  /** `a · b`, broadcasting. */
  multiply(a: Tensor, b: Tensor | number): Tensor;
  /** `a / b`, broadcasting. */
  divide(a: Tensor, b: Tensor | number): Tensor;
  /** Elementwise maximum. */
  maximum(a: Tensor, b: Tensor | number): Tensor;
  /** Elementwise minimum. */
  minimum(a: Tensor, b: Tensor | number): Tensor;
  /** `e^x`. */
  exp(x: Tensor): Tensor;
  /** Natural logarithm. */
  log(x: Tensor): Tensor;
  /** Square root. */
  sqrt(x: Tensor): Tensor;
  /** `x²`. */
  square(x: Tensor): Tensor;
  /** Logistic sigmoid. */
  sigmoid(x: Tensor): Tensor;
  /** `condition ? a : b`, broadcasting. */
  where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor;
  /** Elementwise `a < b` (bool). */
  less(a: Tensor, b: Tensor | number): Tensor;
  /** Elementwise `a ≤ b` (bool). */
  lessEqual(a: Tensor, b: Tensor | number): Tensor;
  /** Elementwise `a = b` (bool). */
  equal(a: Tensor, b: Tensor | number): Tensor;
  /** Converts the element type. */
  cast(x: Tensor, dtype: TensorDataType): Tensor;
  /** Sum over `axes` (all when omitted). */
  sum(x: Tensor, axes?: number | number[], keepDimensions?: boolean): Tensor;
  /** Mean over `axes` (all when omitted). */
  mean(x: Tensor, axes?: number | number[], keepDimensions?: boolean): Tensor;
  /** Maximum over `axes` (all when omitted). */
  max(x: Tensor, axes?: number | number[], keepDimensions?: boolean): Tensor;
  /** Same data, new shape (one dimension may be −1). */
  reshape(x: Tensor, shape: number[]): Tensor;
  /** Permutes dimensions. */
  transpose(x: Tensor, permutation: number[]): Tensor;
  /** Joins tensors along `axis`. */
  concatenate(parts: Tensor[], axis: number): Tensor;
  /** Half-open slice `[start, end)` along `axis`. */
  slice(x: Tensor, axis: number, start: number, end: number): Tensor;
  /** `0, 1, …, length − 1` as int32. */
  arange(length: number): Tensor;
  /** One-hot float32 encoding of int32 ids: shape `[...ids.shape, depth]`. */
  oneHot(ids: Tensor, depth: number): Tensor;
  /** Batched matrix product over the last two axes. */
  matmul(a: Tensor, b: Tensor): Tensor;

  // ---- network layers ---------------------------------------------------------------------
  /** `x @ weight` with `x: [..., in]`, `weight: [in, out]`. */
  linear(x: Tensor, weight: Tensor): Tensor;
  /** Rows of `table: [vocab, d]` for int32 `ids` (one-hot matmul, differentiable under jit). */
  embedding(ids: Tensor, table: Tensor): Tensor;
  /** Rows of `table` for int32 `ids` by gather: cheaper, but not differentiable (inference only). */
  gatherRows(ids: Tensor, table: Tensor): Tensor;
  /** `x / rms(x) · weight` over the last axis. */
  rmsNorm(x: Tensor, weight: Tensor, epsilon: number): Tensor;
  /**
   * Rotary position embedding (rotate-half convention) of `x: [B, T, heads, headSize]` at int32
   * `positions` of shape `[T]` (shared) or `[B, T]`.
   */
  rope(x: Tensor, positions: Tensor, theta: number): Tensor;
  /** Causal scaled dot-product attention, `q, k, v: [B, T, heads, headSize]`. */
  causalAttention(query: Tensor, key: Tensor, value: Tensor): Tensor;
  /**
   * Attention of `query: [B, L, heads, headSize]` over `key, value: [B, S, heads, headSize]`
   * where the bool `mask` (broadcastable to `[B, heads, L, S]`) is true.
   */
  maskedAttention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor): Tensor;
  /** SwiGLU feed-forward `(silu(x Wg) ⊙ x Wu) Wd`. */
  swiGlu(x: Tensor, gateWeight: Tensor, upWeight: Tensor, downWeight: Tensor): Tensor;
  /** Log-softmax over the last axis. */
  logSoftmax(x: Tensor): Tensor;
  /**
   * `log softmax(logits)[target]` for each position: logits `[..., vocab]`, int32 targets
   * `[...]` → `[...]` (one-hot × log-softmax, differentiable under jit).
   */
  pickLogProbabilities(logits: Tensor, targets: Tensor): Tensor;

  // ---- transformations --------------------------------------------------------------------
  /**
   * Compiles `body` (traced once per distinct input shapes). The compiled function borrows its
   * arguments and returns tensors the caller owns.
   */
  compile<Arguments extends TensorTree[], Result extends TensorTree>(
    body: (...parameters: Arguments) => Result,
  ): CompiledFunction<Arguments, Result>;
  /**
   * `body` returns `[value, auxiliary]`; the result computes `[[value, auxiliary], gradient]`
   * with the gradient of the scalar `value` taken with respect to the first argument.
   */
  valueAndGrad<First extends TensorTree, Rest extends TensorTree[], Auxiliary extends TensorTree>(
    body: (first: First, ...rest: Rest) => [Tensor, Auxiliary],
  ): (first: First, ...rest: Rest) => [[Tensor, Auxiliary], First];
  /** One AdamW update of one tensor: returns `[parameter, firstMoment, secondMoment]`. */
  adamW(parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor, step: AdamWStep): [Tensor, Tensor, Tensor];
}

/** A compiled function; {@link CompiledFunction.release} frees its compiled programs. */
export type CompiledFunction<Arguments extends TensorTree[], Result extends TensorTree> = ((
  ...parameters: Arguments
) => Result) & { release(): void };
