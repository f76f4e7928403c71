/**
 * Finite-difference gradient checks (test support). A function's output is projected onto fixed
 * random weights, `L(x) = Σ f(x) ⊙ R`, so every output element contributes; the compiled
 * reverse-mode gradient of `L` is compared with central differences
 * `(L(x + h·e_i) − L(x − h·e_i)) / 2h` at a few random coordinates of each input, `L` being summed
 * in float64 on the host from the float32 outputs.
 */
import type { Tensor, TensorBackend } from '../backend/tensor-backend.js';
import { SeededRandom } from '../seeded-random.js';

/** A host input of the checked function. */
export interface HostInput {
  /** Values (float inputs are differentiated; int32 ones are passed through). */
  values: Float32Array | Int32Array;
  /** Shape. */
  shape: number[];
}

/** One compared coordinate. */
export interface GradientComparison {
  /** Input name. */
  input: string;
  /** Flat index into the input. */
  index: number;
  /** Reverse-mode gradient. */
  analytic: number;
  /** Central-difference estimate. */
  numeric: number;
  /** `|analytic − numeric| / max(|analytic|, |numeric|, floor)`. */
  relativeError: number;
}

/** Options of {@link checkGradient}. */
export interface GradientCheckOptions {
  /** Step h of the central difference; default 1e-2. */
  step?: number;
  /** Coordinates checked per differentiated input; default 4. */
  coordinates?: number;
  /** Seed for the projection and the coordinates; default 7. */
  seed?: number;
  /** Gradient magnitude under which relative error is measured against this floor; default 1e-2. */
  floor?: number;
}

/**
 * Compares analytic and numeric gradients of `body` with respect to every float32 input.
 * @param body the function under test, over named tensors (floats differentiated, ints passed).
 */
export async function checkGradient(
  backend: TensorBackend,
  body: (inputs: Record<string, Tensor>) => Tensor,
  inputs: Record<string, HostInput>,
  options: GradientCheckOptions = {},
): Promise<GradientComparison[]> {
  const step = options.step ?? 1e-2;
  const random = new SeededRandom(options.seed ?? 7);
  const floor = options.floor ?? 1e-2;
  const differentiated = Object.keys(inputs).filter((name) => inputs[name]!.values instanceof Float32Array);
  const passed = Object.keys(inputs).filter((name) => !differentiated.includes(name));

  const upload = (values: Record<string, HostInput>, names: string[]) => {
    const tensors: Record<string, Tensor> = {};
    for (const name of names) {
      const input = values[name]!;
      tensors[name] =
        input.values instanceof Float32Array ? backend.floatTensor(input.values, input.shape) : backend.intTensor(input.values, input.shape);
    }
    return tensors;
  };

  const forward = backend.compile((floats: Record<string, Tensor>, ints: Record<string, Tensor>) => body({ ...floats, ...ints }));
  const intTensors = upload(inputs, passed);
  const probe = upload(inputs, differentiated);
  const output = forward(probe, intTensors);
  const outputShape = output.shape;
  backend.dispose([probe, output]);
  const outputSize = outputShape.reduce((product, size) => product * size, 1);
  const projection = new Float64Array(outputSize).map(() => random.normal());
  const projectionTensor = backend.floatTensor(Float32Array.from(projection), outputShape);

  const gradient = backend.compile(
    backend.valueAndGrad((floats: Record<string, Tensor>, ints: Record<string, Tensor>, weights: Tensor) => [
      backend.sum(backend.multiply(body({ ...floats, ...ints }), weights)),
      {},
    ]),
  );
  const floats = upload(inputs, differentiated);
  const [[value, auxiliary], gradients] = gradient(floats, intTensors, projectionTensor);
  const analytic: Record<string, Float32Array> = {};
  for (const name of differentiated) analytic[name] = (await backend.read(gradients[name]!)) as Float32Array;
  backend.dispose([floats, value, auxiliary, gradients]);

  const projected = async (values: Record<string, HostInput>) => {
    const tensors = upload(values, differentiated);
    const result = forward(tensors, intTensors);
    const data = await backend.read(result);
    backend.dispose([tensors, result]);
    let total = 0;
    for (let index = 0; index < outputSize; index++) total += data[index]! * projection[index]!;
    return total;
  };

  const comparisons: GradientComparison[] = [];
  for (const name of differentiated) {
    const input = inputs[name]!;
    const size = input.values.length;
    const count = Math.min(options.coordinates ?? 4, size);
    const chosen = new Set<number>();
    while (chosen.size < count) chosen.add(Math.floor(random.uniform() * size));
    for (const index of chosen) {
      const shifted = (delta: number) => {
        const values = Float32Array.from(input.values);
        values[index] = values[index]! + delta;
        return { ...inputs, [name]: { values, shape: input.shape } };
      };
      const numeric = ((await projected(shifted(step))) - (await projected(shifted(-step)))) / (2 * step);
      const exact = analytic[name]![index]!;
      const relativeError = Math.abs(exact - numeric) / Math.max(Math.abs(exact), Math.abs(numeric), floor);
      comparisons.push({ input: name, index, analytic: exact, numeric, relativeError });
    }
  }
  backend.dispose([intTensors, projectionTensor]);
  forward.release();
  gradient.release();
  return comparisons;
}

/** Random normal host values of a shape, scaled. */
export function randomValues(random: SeededRandom, shape: number[], scale = 1): HostInput {
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const values = new Float32Array(size);
  for (let index = 0; index < size; index++) values[index] = random.normal() * scale;
  return { values, shape };
}

/** Random int32 ids in `[0, limit)` of a shape. */
export function randomIds(random: SeededRandom, shape: number[], limit: number): HostInput {
  const size = shape.reduce((product, dimension) => product * dimension, 1);
  const values = new Int32Array(size);
  for (let index = 0; index < size; index++) values[index] = Math.floor(random.uniform() * limit);
  return { values, shape };
}
