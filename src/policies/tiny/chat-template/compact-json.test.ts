import { describe, expect, it } from 'vitest';
import { compactJson } from './render-conversation.js';

describe('compactJson', () => {
  it('re-serialises JSON tool results without indentation and keeps everything else', () => {
    expect(compactJson('{\n "balance": 12.5,\n "currency": "EUR"\n}')).toBe('{"balance":12.5,"currency":"EUR"}');
    expect(compactJson('[\n 1,\n 2\n]')).toBe('[1,2]');
    expect(compactJson('Subject: hello\n\nbody')).toBe('Subject: hello\n\nbody');
    expect(compactJson('{ not json')).toBe('{ not json');
  });
});
