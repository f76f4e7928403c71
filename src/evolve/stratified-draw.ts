import type { Random } from '../envs/random.js';

/**
 * A function that picks the pool of the next micro-batch. With `shares`, a named stratum gets
 * that share of the micro-batches and the items without a stratum the rest (a stratum or the
 * rest that has no items gives its share to the others, in proportion). The shares are quotas,
 * not probabilities: after n draws each pool has been picked within one of its share × n times
 * (the pool furthest behind its quota goes next; ties by a random draw), so a 12-step phase at
 * 10% gets one diagnosis micro-batch or two, never none. Without `shares`, every micro-batch is
 * drawn from all items and no random number is used, so the draws of the micro-batches
 * themselves are those of an unstratified phase.
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
  const picked = usable.map(() => 0);
  let draws = 0;
  return () => {
    draws += 1;
    // Deficit after this draw if the pool were not picked: its quota so far minus its picks.
    const deficits = usable.map((pool, index) => (pool.share / total) * draws - picked[index]!);
    const largest = Math.max(...deficits);
    const leaders = deficits.flatMap((deficit, index) => (deficit >= largest - 1e-9 ? [index] : []));
    const chosen = leaders.length === 1 ? leaders[0]! : leaders[Math.floor(random.next() * leaders.length)]!;
    picked[chosen] = picked[chosen]! + 1;
    return usable[chosen]!.items;
  };
}
