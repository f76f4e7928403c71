import { describe, expect, it } from 'vitest';
import { identifiersAfterNames } from './identifier-order.js';
import { compactJson } from './render-conversation.js';

const tests = {
  isIdentifier: (value: string) => /^[a-z]+(?:-[a-z]+)*-\d+$/u.test(value),
  holdsEntity: (value: string) => ['The Heron Rooms', 'Blue Canal', 'Ann Lee'].some((name) => value.includes(name)),
};

describe('identifiersAfterNames', () => {
  it('writes each record id right after the later field that names the record', () => {
    const hotels = { city: 'Amsterdam', hotels: [{ hotelId: 'htl-ams-01', name: 'Blue Canal', stars: 3 }, { hotelId: 'htl-ams-02', name: 'The Heron Rooms', stars: 4 }] };
    expect(JSON.stringify(identifiersAfterNames(hotels, tests))).toBe(
      '{"city":"Amsterdam","hotels":[{"name":"Blue Canal","hotelId":"htl-ams-01","stars":3},{"name":"The Heron Rooms","hotelId":"htl-ams-02","stars":4}]}',
    );
    // The first field after the id that holds an entity names it, not merely the next field.
    const email = { id: 'email-4', folder: 'inbox', from: 'Ann Lee <ann@example.com>', subject: 'Hi' };
    expect(Object.keys(identifiersAfterNames(email, tests) as object)).toEqual(['folder', 'from', 'id', 'subject']);
  });

  it('leaves an id with no naming field after it in place, and values untouched', () => {
    const record = { before: 'x', id: 'file-3', size: 12, owner: 'nobody', nested: { id: 'file-9', name: 'Ann Lee' } };
    const reordered = identifiersAfterNames(record, tests) as Record<string, unknown>;
    expect(Object.keys(reordered)).toEqual(['before', 'id', 'size', 'owner', 'nested']);
    expect(Object.keys(reordered.nested as object)).toEqual(['name', 'id']);
    expect(reordered).toEqual(record);
    expect(identifiersAfterNames(['htl-ams-01', 3, null], tests)).toEqual(['htl-ams-01', 3, null]);
  });

  it('applies in compactJson only when asked', () => {
    const content = JSON.stringify({ hotelId: 'htl-ams-02', name: 'The Heron Rooms' }, null, 1);
    expect(compactJson(content)).toBe('{"hotelId":"htl-ams-02","name":"The Heron Rooms"}');
    expect(compactJson(content, tests)).toBe('{"name":"The Heron Rooms","hotelId":"htl-ams-02"}');
  });
});
