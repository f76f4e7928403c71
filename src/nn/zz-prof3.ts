import { createJaxBackend } from './backend/jax-backend.js';
import type { Tensor } from './backend/tensor-backend.js';
import { SeededRandom } from './seeded-random.js';
const b = await createJaxBackend();
const r = new SeededRandom(1);
const rnd = (shape: number[]) => b.floatTensor(Float32Array.from({ length: shape.reduce((a, c) => a * c, 1) }, () => r.normal() * 0.1), shape);
async function time(label: string, f: (x: Record<string, Tensor>) => Tensor, inputs: Record<string, Tensor>) {
  const fwd = b.compile((x: Record<string, Tensor>) => b.sum(f(x)));
  const grad = b.compile(b.valueAndGrad((x: Record<string, Tensor>) => [b.sum(f(x)), {}] as [Tensor, {}]));
  const run = async (g: any) => { const out = g(inputs); await b.synchronize(out); b.dispose(out); };
  await run(fwd); await run(grad);
  const tf: number[] = [], tg: number[] = [];
  for (let i = 0; i < 5; i++) { let t = performance.now(); await run(fwd); tf.push(performance.now() - t); t = performance.now(); await run(grad); tg.push(performance.now() - t); }
  const med = (v: number[]) => v.sort((a, c) => a - c)[2]!.toFixed(1);
  console.log(label.padEnd(20), 'fwd', med(tf), 'ms  grad', med(tg), 'ms');
}
const x = rnd([8, 128, 128]);
const tri = b.lessEqual(b.reshape(b.arange(128), [1, 128]), b.reshape(b.arange(128), [128, 1]));
const mine = (q: Tensor, k: Tensor, v: Tensor) => {
  const qh = b.transpose(q, [0, 2, 1, 3]), kh = b.transpose(k, [0, 2, 3, 1]), vh = b.transpose(v, [0, 2, 1, 3]);
  const s = b.where(tri, b.multiply(b.matmul(qh, kh), 1 / Math.sqrt(32)), -1e9);
  const m = b.max(s, -1, true);
  const e = b.exp(b.subtract(s, m));
  const p = b.divide(e, b.sum(e, -1, true));
  return b.transpose(b.matmul(p, vh), [0, 2, 1, 3]);
};
for (let rep = 0; rep < 2; rep++) {
await time('attention jax', (i) => { const q = b.reshape(i.x!, [8, 128, 4, 32]); return b.causalAttention(b.multiply(q, 1.1), b.multiply(q, 0.9), q); }, { x });
await time('attention mine', (i) => { const q = b.reshape(i.x!, [8, 128, 4, 32]); return mine(b.multiply(q, 1.1), b.multiply(q, 0.9), q); }, { x });
await time('qkv separate', (i) => b.add(b.add(b.linear(i.x!, i.a!), b.linear(i.x!, i.b!)), b.linear(i.x!, i.c!)), { x, a: rnd([128, 128]), b: rnd([128, 128]), c: rnd([128, 128]) });
await time('qkv fused', (i) => { const y = b.linear(i.x!, b.concatenate([i.a!, i.b!, i.c!], 1)); return b.add(b.add(b.slice(y, 2, 0, 128), b.slice(y, 2, 128, 256)), b.slice(y, 2, 256, 384)); }, { x, a: rnd([128, 128]), b: rnd([128, 128]), c: rnd([128, 128]) });
}
