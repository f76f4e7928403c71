import { describe, expect, it } from 'vitest';
import { recordNames, type RecordNameTests } from './record-names.js';

const hotels = new Set(['The Heron Rooms', 'Blue Canal']);
const tests: RecordNameTests = {
  isIdentifier: (value) => /^(htl|bk)-\w+(-\d+)?$/.test(value),
  linkedKindOf: (value) => (hotels.has(value) ? 'hotel' : undefined),
};

describe('recordNames', () => {
  it('names each record id by the linked entity of its record, in nested arrays and objects', () => {
    const result = { city: 'Amsterdam', hotels: [{ hotelId: 'htl-ams-01', name: 'Blue Canal', stars: 3 }, { hotelId: 'htl-ams-02', name: 'The Heron Rooms', stars: 4 }] };
    expect([...recordNames(result, tests)]).toEqual([
      ['htl-ams-01', { value: 'Blue Canal', kind: 'hotel' }],
      ['htl-ams-02', { value: 'The Heron Rooms', kind: 'hotel' }],
    ]);
  });

  it('takes the first id of a record as its id, and names nothing without exactly one linked entity', () => {
    const bookings = [
      { bookingId: 'bk-7', hotelId: 'htl-ams-02', hotel: 'The Heron Rooms' },
      { bookingId: 'bk-8', from: 'Blue Canal', to: 'The Heron Rooms' },
      { note: 'no id here', hotel: 'Blue Canal' },
      { bookingId: 'bk-9', city: 'Amsterdam' },
    ];
    expect([...recordNames(bookings, tests)]).toEqual([['bk-7', { value: 'The Heron Rooms', kind: 'hotel' }]]);
  });

  it('keeps the first name an id was given', () => {
    const twice = [{ id: 'htl-ams-01', name: 'Blue Canal' }, { id: 'htl-ams-01', name: 'The Heron Rooms' }];
    expect(recordNames(twice, tests).get('htl-ams-01')?.value).toBe('Blue Canal');
  });

  it('finds nothing in scalars or records of other kinds', () => {
    expect(recordNames('htl-ams-01', tests).size).toBe(0);
    expect(recordNames([{ id: 'htl-ams-01', name: 'Someone Else' }], tests).size).toBe(0);
  });
});
