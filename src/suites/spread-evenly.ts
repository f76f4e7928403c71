/** At most `limit` items spread evenly over `items` (all of them, in order, without a limit). */
export function spreadEvenly<T>(items: readonly T[], limit: number | undefined): T[] {
  if (limit === undefined || limit >= items.length) return items.slice();
  const stride = items.length / limit;
  return Array.from({ length: limit }, (_unused, index) => items[Math.floor(index * stride)] as T);
}
