/**
 * Moving fate's weights into the layouts other llama implementations expect.
 *
 * - **Orientation.** fate stores a linear weight `[in, out]` (a layer is `x @ W`); Hugging Face
 *   and GGUF keep `[out, in]` (a layer is `W x`), so every projection is transposed.
 * - **RoPE pairing.** fate rotates consecutive pairs `(x[2i], x[2i+1])` of each head by angle
 *   `position · θ^(−2i/headSize)` — llama.cpp's "normal" rope of the llama architecture, so the
 *   GGUF export keeps fate's query/key rows as they are. Hugging Face's Llama rotates halves
 *   (`rotate_half`): it pairs `(x[i], x[i + headSize/2])` at the same frequency. Reordering each
 *   head's query and key output rows so that fate's row `2i + j` becomes row `j·headSize/2 + i`
 *   makes the Hugging Face model compute the same function (attention scores are unchanged by a
 *   permutation applied to both query and key). This is the inverse of the `permute` that
 *   llama.cpp's `convert_hf_to_gguf.py` applies to Hugging Face Llama weights.
 */

/** `[rows, columns]` row-major → `[columns, rows]` row-major. */
export function transposeMatrix(data: Float32Array, rows: number, columns: number): Float32Array {
  if (data.length !== rows * columns) throw new Error(`transposeMatrix: ${data.length} values for [${rows}, ${columns}]`);
  const result = new Float32Array(data.length);
  for (let row = 0; row < rows; row++) {
    for (let column = 0; column < columns; column++) result[column * rows + row] = data[row * columns + column]!;
  }
  return result;
}

/**
 * Reorders the output rows of a `[heads · headSize, in]` query or key weight from fate's
 * consecutive-pair RoPE layout to Hugging Face's half-split layout.
 */
export function consecutivePairsToHalves(weight: Float32Array, heads: number, headSize: number, inFeatures: number): Float32Array {
  return permuteHeadRows(weight, heads, headSize, inFeatures, (row) => {
    const half = headSize / 2;
    return (row % 2) * half + Math.floor(row / 2);
  });
}

/** The inverse of {@link consecutivePairsToHalves}: Hugging Face's half-split rows back to consecutive pairs. */
export function halvesToConsecutivePairs(weight: Float32Array, heads: number, headSize: number, inFeatures: number): Float32Array {
  return permuteHeadRows(weight, heads, headSize, inFeatures, (row) => {
    const half = headSize / 2;
    return (row % half) * 2 + Math.floor(row / half);
  });
}

/** Moves row `r` of each head to row `target(r)` of the same head. */
function permuteHeadRows(weight: Float32Array, heads: number, headSize: number, inFeatures: number, target: (row: number) => number): Float32Array {
  if (headSize % 2 !== 0) throw new Error(`head size ${headSize} is odd`);
  if (weight.length !== heads * headSize * inFeatures) throw new Error(`permuteHeadRows: ${weight.length} values for [${heads * headSize}, ${inFeatures}]`);
  const result = new Float32Array(weight.length);
  for (let head = 0; head < heads; head++) {
    for (let row = 0; row < headSize; row++) {
      const from = (head * headSize + row) * inFeatures;
      const to = (head * headSize + target(row)) * inFeatures;
      result.set(weight.subarray(from, from + inFeatures), to);
    }
  }
  return result;
}
