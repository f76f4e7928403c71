/** A piece of text between special tokens, or one special token. */
export type TextSegment = { kind: 'text'; text: string } | { kind: 'special'; content: string };

/**
 * Cuts text at occurrences of special tokens, leftmost-longest first (as Hugging Face's added
 * vocabulary does), so each special token is one atomic segment.
 */
export class SpecialTokenSplitter {
  private readonly pattern: RegExp | null;

  constructor(specialTokens: readonly string[]) {
    const contents = [...new Set(specialTokens)].filter((content) => content.length > 0);
    contents.sort((left, right) => right.length - left.length || (left < right ? -1 : left > right ? 1 : 0));
    this.pattern = contents.length === 0 ? null : new RegExp(contents.map(escapeRegularExpression).join('|'), 'gu');
  }

  /** The segments of `text`, in order; empty text segments are left out. */
  split(text: string): TextSegment[] {
    if (this.pattern === null) return text.length === 0 ? [] : [{ kind: 'text', text }];
    const segments: TextSegment[] = [];
    let start = 0;
    for (const match of text.matchAll(this.pattern)) {
      if (match.index > start) segments.push({ kind: 'text', text: text.slice(start, match.index) });
      segments.push({ kind: 'special', content: match[0] });
      start = match.index + match[0].length;
    }
    if (start < text.length) segments.push({ kind: 'text', text: text.slice(start) });
    return segments;
  }
}

function escapeRegularExpression(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}
