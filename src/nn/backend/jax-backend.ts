/**
 * {@link TensorBackend} over @jax-js/jax on its `wasm` device.
 *
 * jax-js arrays are reference-counted with move semantics: every operation consumes its inputs
 * and `.ref` keeps one alive. This file is the only place that deals with that: each method
 * takes `.ref` of its inputs (so callers only borrow), and each result is recorded in the
 * innermost {@link JaxBackend.scope}, which frees what it created and did not return. Traced
 * bodies (compile, valueAndGrad) run in a fresh scope stack, consume their arguments as jax-js
 * expects, and hand back only their results.
 */
import type * as JaxModule from '@jax-js/jax';
import { startJaxRuntime } from './jax-runtime.js';
import type { NodeShimOptions } from './node-shims.js';
import type {
  AdamWStep,
  CompiledFunction,
  HostData,
  Tensor,
  TensorBackend,
  TensorDataType,
  TensorTree,
} from './tensor-backend.js';

type Jax = typeof JaxModule;
type JaxArray = JaxModule.numpy.Array;

/** True for a tensor leaf (any class instance), false for plain records and arrays. */
function isLeaf(value: unknown): boolean {
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) return false;
  return Object.getPrototypeOf(value) !== Object.prototype;
}

/** Every tensor of a tree, in a fixed order (record keys in insertion order). */
export function treeLeaves(tree: unknown, into: JaxArray[] = []): JaxArray[] {
  if (tree === null || tree === undefined) return into;
  if (isLeaf(tree)) into.push(tree as JaxArray);
  else if (Array.isArray(tree)) for (const item of tree) treeLeaves(item, into);
  else if (typeof tree === 'object') for (const value of Object.values(tree as object)) treeLeaves(value, into);
  return into;
}

/** Creates the jax-js backend (starts the runtime on first use). */
export async function createJaxBackend(options: NodeShimOptions = {}): Promise<JaxBackend> {
  const jax = await startJaxRuntime(options);
  return new JaxBackend(jax);
}

/** The jax-js implementation of {@link TensorBackend}. Create it with {@link createJaxBackend}. */
export class JaxBackend implements TensorBackend {
  readonly name = 'jax-js/wasm';
  readonly #jax: Jax;
  readonly #np: Jax['numpy'];
  /** Innermost scope last; each scope lists the arrays it owns (one entry per reference). */
  #scopes: JaxArray[][] = [];

  constructor(jax: Jax) {
    this.#jax = jax;
    this.#np = jax.numpy;
  }

  // ---- ownership helpers ------------------------------------------------------------------

  /** Records a fresh array in the innermost scope and returns it as a tensor. */
  #own(array: JaxArray): Tensor {
    this.#scopes[this.#scopes.length - 1]?.push(array);
    return array as unknown as Tensor;
  }

  /** A new reference to a borrowed tensor, for handing to a consuming jax-js call. */
  #borrow(tensor: Tensor): JaxArray {
    return (tensor as unknown as JaxArray).ref;
  }

  #operand(value: Tensor | number): JaxArray | number {
    return typeof value === 'number' ? value : this.#borrow(value);
  }

  /** Runs `body` with an empty scope stack (for traced bodies), restoring the stack after. */
  #isolated<Result>(body: () => Result): Result {
    const saved = this.#scopes;
    this.#scopes = [];
    try {
      return body();
    } finally {
      this.#scopes = saved;
    }
  }

  scope<Result>(body: () => Result): Result {
    const frame: JaxArray[] = [];
    this.#scopes.push(frame);
    let result: Result;
    try {
      result = body();
    } catch (error) {
      this.#scopes.pop();
      for (const array of frame) array.dispose();
      throw error;
    }
    this.#scopes.pop();
    const kept = treeLeaves(result);
    for (const leaf of kept) void leaf.ref;
    for (const array of frame) array.dispose();
    for (const leaf of kept) this.#scopes[this.#scopes.length - 1]?.push(leaf);
    return result;
  }

  dispose(tree: TensorTree | null | undefined): void {
    for (const leaf of treeLeaves(tree)) leaf.dispose();
  }

  // ---- host transfer ----------------------------------------------------------------------

  floatTensor(values: ArrayLike<number>, shape: number[]): Tensor {
    const data = values instanceof Float32Array ? values : Float32Array.from(values as ArrayLike<number>);
    return this.#own(this.#np.array(data, { shape, dtype: this.#np.float32 }));
  }

  intTensor(values: ArrayLike<number>, shape: number[]): Tensor {
    const data = values instanceof Int32Array ? values : Int32Array.from(values as ArrayLike<number>);
    return this.#own(this.#np.array(data, { shape, dtype: this.#np.int32 }));
  }

  scalar(value: number): Tensor {
    return this.#own(this.#np.array(new Float32Array([value]), { shape: [], dtype: this.#np.float32 }));
  }

  zeros(shape: number[], dtype: TensorDataType = 'float32'): Tensor {
    return this.#own(this.#np.zeros(shape, { dtype: dtype as JaxModule.DType }));
  }

  async read(tensor: Tensor): Promise<HostData> {
    let array = this.#borrow(tensor);
    if (array.dtype === 'bool') array = array.astype(this.#np.int32);
    const data = await array.data();
    if (data instanceof Float32Array || data instanceof Int32Array) return data;
    return Float32Array.from(data as ArrayLike<number>);
  }

  async readNumber(tensor: Tensor): Promise<number> {
    const data = await this.read(tensor);
    if (data.length !== 1) throw new Error(`readNumber: expected one element, got shape [${tensor.shape.join(', ')}]`);
    return data[0]!;
  }

  async synchronize(tree: TensorTree): Promise<void> {
    await Promise.all(treeLeaves(tree).map((leaf) => leaf.blockUntilReady()));
  }

  // ---- elementwise and shape ----------------------------------------------------------------

  add(a: Tensor, b: Tensor | number): Tensor {
    return this.#own(this.#np.add(this.#borrow(a), this.#operand(b)));
  }
  subtract(a: Tensor, b: Tensor | number): Tensor {
    return this.#own(this.#np.subtract(this.#borrow(a), this.#operand(b)));
  }
  multiply(a: Tensor, b: Tensor | number): Tensor {
    return this.#own(this.#np.multiply(this.#borrow(a), this.#operand(b)));
  }
  divide(a: Tensor, b: Tensor | number): Tensor {
    return this.#own(this.#np.divide(this.#borrow(a), this.#operand(b)));
  }
  maximum(a: Tensor, b: Tensor | number): Tensor {
    return this.#own(this.#np.maximum(this.#borrow(a), this.#operand(b)));
  }
  minimum(a: Tensor, b: Tensor | number): Tensor {
    return this.#own(this.#np.minimum(this.#borrow(a), this.#operand(b)));
  }
  exp(x: Tensor): Tensor {
    return this.#own(this.#np.exp(this.#borrow(x)));
  }
  log(x: Tensor): Tensor {
    return this.#own(this.#np.log(this.#borrow(x)));
  }
  sqrt(x: Tensor): Tensor {
    return this.#own(this.#np.sqrt(this.#borrow(x)));
  }
  square(x: Tensor): Tensor {
    return this.#own(this.#np.square(this.#borrow(x)));
  }
  sigmoid(x: Tensor): Tensor {
    return this.#own(this.#jax.nn.sigmoid(this.#borrow(x)));
  }
  where(condition: Tensor, a: Tensor | number, b: Tensor | number): Tensor {
    return this.#own(this.#np.where(this.#borrow(condition), this.#operand(a), this.#operand(b)));
  }
  less(a: Tensor, b: Tensor | number): Tensor {
    return this.#own(this.#np.less(this.#borrow(a), this.#operand(b)));
  }
  lessEqual(a: Tensor, b: Tensor | number): Tensor {
    return this.#own(this.#np.lessEqual(this.#borrow(a), this.#operand(b)));
  }
  equal(a: Tensor, b: Tensor | number): Tensor {
    return this.#own(this.#np.equal(this.#borrow(a), this.#operand(b)));
  }
  cast(x: Tensor, dtype: TensorDataType): Tensor {
    return this.#own(this.#np.astype(this.#borrow(x), dtype as JaxModule.DType));
  }
  sum(x: Tensor, axes?: number | number[], keepDimensions = false): Tensor {
    return this.#own(this.#np.sum(this.#borrow(x), axes ?? null, { keepdims: keepDimensions }));
  }
  mean(x: Tensor, axes?: number | number[], keepDimensions = false): Tensor {
    return this.#own(this.#np.mean(this.#borrow(x), axes ?? null, { keepdims: keepDimensions }));
  }
  max(x: Tensor, axes?: number | number[], keepDimensions = false): Tensor {
    return this.#own(this.#np.max(this.#borrow(x), axes ?? null, { keepdims: keepDimensions }));
  }
  reshape(x: Tensor, shape: number[]): Tensor {
    return this.#own(this.#np.reshape(this.#borrow(x), shape));
  }
  transpose(x: Tensor, permutation: number[]): Tensor {
    return this.#own(this.#np.transpose(this.#borrow(x), permutation));
  }
  concatenate(parts: Tensor[], axis: number): Tensor {
    return this.#own(this.#np.concatenate(parts.map((part) => this.#borrow(part)), axis));
  }
  slice(x: Tensor, axis: number, start: number, end: number): Tensor {
    const rank = x.shape.length;
    const normalized = axis < 0 ? axis + rank : axis;
    const index: ([] | [number, number])[] = Array.from({ length: rank }, (_, dimension) =>
      dimension === normalized ? [start, end] : [],
    );
    return this.#own(this.#borrow(x).slice(...index));
  }
  arange(length: number): Tensor {
    return this.#own(this.#np.arange(0, length, 1, { dtype: this.#np.int32 }));
  }
  oneHot(ids: Tensor, depth: number): Tensor {
    const classes = this.#np.arange(0, depth, 1, { dtype: this.#np.int32 });
    const expanded = this.#np.expandDims(this.#borrow(ids), -1);
    return this.#own(this.#np.equal(expanded, classes).astype(this.#np.float32));
  }
  matmul(a: Tensor, b: Tensor): Tensor {
    return this.#own(this.#gradientBarrier(this.#np.matmul(this.#borrow(a), this.#borrow(b))));
  }

  // ---- network layers ---------------------------------------------------------------------

  /**
   * Identity whose gradient is materialised before it reaches the matmul that produced `x`.
   *
   * jax-js's transpose of a broadcasting `dot` broadcasts the incoming cotangent explicitly and
   * fuses its whole elementwise chain into the weight-gradient kernel, recomputing it once per
   * output column (vocabSize times for the embedding: ≈25× slower training). A pad-then-slice
   * costs one copy forward; backward, the slice's transpose is a pad, whose input jax-js always
   * materialises.
   */
  #gradientBarrier(x: JaxArray): JaxArray {
    const rows = x.shape[0]!;
    const padded = this.#np.pad(x, { 0: [0, 1] });
    return padded.slice([0, rows]);
  }

  linear(x: Tensor, weight: Tensor): Tensor {
    return this.matmul(x, weight);
  }

  embedding(ids: Tensor, table: Tensor): Tensor {
    return this.scope(() => {
      const oneHot = this.oneHot(ids, table.shape[0]!);
      return this.matmul(oneHot, table);
    });
  }

  gatherRows(ids: Tensor, table: Tensor): Tensor {
    return this.#own(this.#np.take(this.#borrow(table), this.#borrow(ids), 0));
  }

  rmsNorm(x: Tensor, weight: Tensor, epsilon: number): Tensor {
    return this.scope(() => {
      const rootMeanSquare = this.sqrt(this.add(this.mean(this.square(x), -1, true), epsilon));
      return this.divide(this.multiply(x, weight), rootMeanSquare);
    });
  }

  rope(x: Tensor, positions: Tensor, theta: number): Tensor {
    const [batch, length, heads, headSize] = x.shape as [number, number, number, number];
    const half = headSize / 2;
    const inverseFrequencies = new Float32Array(half);
    for (let index = 0; index < half; index++) inverseFrequencies[index] = theta ** ((-2 * index) / headSize);
    return this.scope(() => {
      const frequencies = this.floatTensor(inverseFrequencies, [half]);
      // angles: [T, half] or [B, T, half] → broadcast over heads and the pair axis.
      const angles = this.multiply(this.reshape(this.cast(positions, 'float32'), [...positions.shape, 1]), frequencies);
      const angleShape = positions.shape.length === 1 ? [1, length, 1, half, 1] : [batch, length, 1, half, 1];
      const cosine = this.reshape(this.#own(this.#np.cos(this.#borrow(angles))), angleShape);
      const sine = this.reshape(this.#own(this.#np.sin(this.#borrow(angles))), angleShape);
      const pairs = this.reshape(x, [batch, length, heads, half, 2]);
      const even = this.slice(pairs, 4, 0, 1);
      const odd = this.slice(pairs, 4, 1, 2);
      const rotatedEven = this.subtract(this.multiply(even, cosine), this.multiply(odd, sine));
      const rotatedOdd = this.add(this.multiply(even, sine), this.multiply(odd, cosine));
      return this.reshape(this.concatenate([rotatedEven, rotatedOdd], 4), [batch, length, heads, headSize]);
    });
  }

  causalAttention(query: Tensor, key: Tensor, value: Tensor): Tensor {
    return this.#own(
      this.#jax.nn.dotProductAttention(this.#borrow(query), this.#borrow(key), this.#borrow(value), { isCausal: true }),
    );
  }

  maskedAttention(query: Tensor, key: Tensor, value: Tensor, mask: Tensor): Tensor {
    return this.#own(
      this.#jax.nn.dotProductAttention(this.#borrow(query), this.#borrow(key), this.#borrow(value), {
        mask: this.#borrow(mask),
      }),
    );
  }

  swiGlu(x: Tensor, gateWeight: Tensor, upWeight: Tensor, downWeight: Tensor): Tensor {
    return this.scope(() => {
      const gate = this.linear(x, gateWeight);
      const activated = this.multiply(gate, this.sigmoid(gate));
      return this.linear(this.multiply(activated, this.linear(x, upWeight)), downWeight);
    });
  }

  logSoftmax(x: Tensor): Tensor {
    return this.#own(this.#jax.nn.logSoftmax(this.#borrow(x), -1));
  }

  pickLogProbabilities(logits: Tensor, targets: Tensor): Tensor {
    return this.scope(() =>
      this.sum(this.multiply(this.oneHot(targets, logits.shape[logits.shape.length - 1]!), this.logSoftmax(logits)), -1),
    );
  }

  // ---- transformations --------------------------------------------------------------------

  compile<Arguments extends TensorTree[], Result extends TensorTree>(
    body: (...parameters: Arguments) => Result,
  ): CompiledFunction<Arguments, Result> {
    const traced = (...parameters: Arguments): Result =>
      this.#isolated(() => {
        const result = this.scope(() => body(...parameters));
        for (const leaf of treeLeaves(parameters)) leaf.dispose();
        return result;
      });
    const jitted = this.#jax.jit(traced as never) as unknown as ((...parameters: unknown[]) => Result) & {
      dispose(): void;
    };
    const compiled = ((...parameters: Arguments): Result => {
      for (const leaf of treeLeaves(parameters)) void leaf.ref;
      const result = jitted(...parameters);
      for (const leaf of treeLeaves(result)) this.#scopes[this.#scopes.length - 1]?.push(leaf);
      return result;
    }) as CompiledFunction<Arguments, Result>;
    compiled.release = () => jitted.dispose();
    return compiled;
  }

  valueAndGrad<First extends TensorTree, Rest extends TensorTree[], Auxiliary extends TensorTree>(
    body: (first: First, ...rest: Rest) => [Tensor, Auxiliary],
  ): (first: First, ...rest: Rest) => [[Tensor, Auxiliary], First] {
    const traced = (first: First, ...rest: Rest): [Tensor, Auxiliary] =>
      this.#isolated(() => {
        const result = this.scope(() => body(first, ...rest));
        for (const leaf of treeLeaves([first, rest])) leaf.dispose();
        return result;
      });
    const differentiated = this.#jax.valueAndGrad(traced as never, { hasAux: true }) as unknown as (
      ...parameters: unknown[]
    ) => [[Tensor, Auxiliary], First];
    return (first: First, ...rest: Rest) => {
      for (const leaf of treeLeaves([first, rest])) void leaf.ref;
      const result = differentiated(first, ...rest);
      for (const leaf of treeLeaves(result)) this.#scopes[this.#scopes.length - 1]?.push(leaf);
      return result;
    };
  }

  adamW(parameter: Tensor, gradient: Tensor, firstMoment: Tensor, secondMoment: Tensor, step: AdamWStep): [Tensor, Tensor, Tensor] {
    return this.scope(() => {
      const first = this.add(this.multiply(firstMoment, step.beta1), this.multiply(gradient, 1 - step.beta1));
      const second = this.add(this.multiply(secondMoment, step.beta2), this.multiply(this.square(gradient), 1 - step.beta2));
      const firstCorrected = this.divide(first, step.firstMomentCorrection);
      const secondCorrected = this.divide(second, step.secondMomentCorrection);
      const direction = this.divide(firstCorrected, this.add(this.sqrt(secondCorrected), step.epsilon));
      const decayed = step.weightDecay === 0 ? direction : this.add(direction, this.multiply(parameter, step.weightDecay));
      const updated = this.subtract(parameter, this.multiply(decayed, step.learningRate));
      return [updated, first, second];
    });
  }
}
