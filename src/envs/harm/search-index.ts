/** Words too common to rank search results on. */
const stopWords = new Set([
  'the', 'and', 'for', 'with', 'from', 'that', 'this', 'about', 'into', 'your', 'you', 'are', 'was',
  'how', 'what', 'who', 'where', 'when', 'why', 'page', 'find', 'search', 'look', 'buy', 'get',
]);

/** Lower-cased search words of a text (at least three characters, no stop words). */
export function searchWords(text: string): string[] {
  return text
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word.length >= 3 && !stopWords.has(word));
}

/**
 * Ranks `items` by how many distinct query words occur in their searchable text; items that
 * match no word are dropped, ties keep the original order. Returns at most `limit` items.
 */
export function rankByQuery<Item>(items: readonly Item[], query: string, text: (item: Item) => string, limit: number): Item[] {
  const queryWords = [...new Set(searchWords(query))];
  if (queryWords.length === 0) return [];
  return items
    .map((item, index) => {
      const haystack = new Set(searchWords(text(item)));
      const score = queryWords.filter((word) => haystack.has(word)).length;
      return { item, index, score };
    })
    .filter((entry) => entry.score > 0)
    .sort((left, right) => right.score - left.score || left.index - right.index)
    .slice(0, limit)
    .map((entry) => entry.item);
}
