import type { Random } from '../envs/random.js';

/**
 * A function that picks the pool of the next micro-batch. With `shares`, a micro-batch comes from
 * a named stratum with that stratum's share of probability and from the items without a stratum
 * otherwise (a stratum or the rest that has no items gives its share to the others, in
 * proportion); without `shares`, every micro-batch is drawn from all items and no random number
 * is used, so the draws of the micro-batches themselves are those of an unstratified phase.
 */
export function stratifiedDraw<T extends { stratum?: string }>(items: readonly T[], shares: Readonly<Record<string, number>> | undefined, random: Random): () => readonly T[] {
  if (shares === undefined) return () => items;
  const named = new Set(Object.keys(shares));
  const pools: { items: T[]; share: number }[] = Object.entries(shares).map(([stratum, share]) => ({ items: items.filter((item) => item.stratum === stratum), share }));
  const namedShare = Object.values(shares).reduce((total, share) => total + share, 0);
  pools.push({ items: items.filter((item) => item.stratum === undefined || !named.has(item.stratum)), share: Math.max(0, 1 - namedShare) });
  const usable = pools.filter((pool) => pool.items.length > 0 && pool.share > 0);
  if (usable.length === 0) return () => items;
  const total = usable.reduce((sum, pool) => sum + pool.share, 0);
  return () => {
    let point = random.next() * total;
    for (const pool of usable) {
      if (point < pool.share) return pool.items;
      point -= pool.share;
    }
    return usable[usable.length - 1]!.items;
  };
}
