import { describe, expect, it } from 'vitest';
import { EntityMatcher, type EntitySegment } from './entity-matcher.js';

function entitiesIn(segments: EntitySegment[]): string[] {
  return segments.flatMap((segment) => (segment.kind === 'entity' ? [segment.value] : []));
}

function joined(segments: EntitySegment[]): string {
  return segments.map((segment) => (segment.kind === 'entity' ? segment.value : segment.text)).join('');
}

describe('EntityMatcher', () => {
  it('matches values only on boundaries: "Ann" is not found inside "Annual" or "Joanna"', () => {
    const matcher = new EntityMatcher(['Ann']);
    expect(entitiesIn(matcher.segment('Annual report for Joanna and Ann.'))).toEqual(['Ann']);
    expect(entitiesIn(matcher.segment("Ann's bill, (Ann), Ann"))).toEqual(['Ann', 'Ann', 'Ann']);
    expect(entitiesIn(matcher.segment('ANN ann Ann_x xAnn Ann2'))).toEqual([]);
  });

  it('claims longer values first: "Ann Smith" wins over "Ann" and "Smith"', () => {
    const matcher = new EntityMatcher(['Ann', 'Smith', 'Ann Smith']);
    expect(entitiesIn(matcher.segment('Ann Smith met Ann and Mr Smith.'))).toEqual(['Ann Smith', 'Ann', 'Smith']);
  });

  it('does not find a number inside a longer number', () => {
    const matcher = new EntityMatcher(['100', '98.70']);
    expect(entitiesIn(matcher.segment('1,100 and 100.50 and 2100 and 198.70 and 98.705'))).toEqual([]);
    expect(entitiesIn(matcher.segment('pay 100. Then 98.70, then 100-200 and 98.70 EUR'))).toEqual(['100', '98.70', '100', '98.70']);
    expect(entitiesIn(matcher.segment('98.70EUR'))).toEqual([]);
  });

  it('finds values that begin or end with punctuation, e-mail addresses and unicode values', () => {
    const matcher = new EntityMatcher(['ann@example.com', 'Stadtwerke München', '+41 44 123 45 67', '👩‍💻 Team']);
    const text = 'Mail ann@example.com (not joann@example.com) at Stadtwerke München, call +41 44 123 45 67 or 👩‍💻 Team.';
    expect(entitiesIn(matcher.segment(text))).toEqual(['ann@example.com', 'Stadtwerke München', '+41 44 123 45 67', '👩‍💻 Team']);
  });

  it('finds every occurrence, including inside JSON strings, and gives the text back when joined', () => {
    const matcher = new EntityMatcher(['DE89370400440532013000', 'bill.txt', '']);
    const text = '{"recipient":"DE89370400440532013000","subject":"bill.txt"} DE89370400440532013000bill.txt';
    const segments = matcher.segment(text);
    expect(entitiesIn(segments)).toEqual(['DE89370400440532013000', 'bill.txt']);
    expect(joined(segments)).toBe(text);
  });

  it('never overlaps two occurrences', () => {
    const matcher = new EntityMatcher(['a b', 'b c']);
    expect(entitiesIn(matcher.segment('a b c'))).toEqual(['a b']);
    expect(joined(matcher.segment('a b c'))).toBe('a b c');
  });
});
