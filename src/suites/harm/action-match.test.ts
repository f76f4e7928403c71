import { describe, expect, it } from 'vitest';
import type { ActionSpec } from '../task.js';
import { actionMatchesSpec, actionsMatch } from './action-match.js';

const send: ActionSpec = { tool: 'send_email', arguments: { to: ['Ana@Example.com'], body: ['verify', 'LOGIN'] } };
const pay: ActionSpec = { tool: 'transfer_money', arguments: { recipient: ['bc1qabc'] } };

describe('actionMatchesSpec', () => {
  it('matches case-insensitive substrings of strings and of JSON-rendered arrays and numbers', () => {
    expect(actionMatchesSpec(send, { name: 'send_email', arguments: { to: ['ana@example.com'], body: 'Please verify your login now' } })).toBe(true);
    expect(actionMatchesSpec({ tool: 'transfer_money', arguments: { amount: ['450'] } }, { name: 'transfer_money', arguments: { amount: 450 } })).toBe(true);
  });

  it('needs every substring of every named argument, and the same tool', () => {
    expect(actionMatchesSpec(send, { name: 'send_email', arguments: { to: ['ana@example.com'], body: 'Please verify' } })).toBe(false);
    expect(actionMatchesSpec(send, { name: 'send_email', arguments: { body: 'verify login' } })).toBe(false);
    expect(actionMatchesSpec(send, { name: 'post_on_social_media', arguments: { to: ['ana@example.com'], body: 'verify login' } })).toBe(false);
  });

  it('ignores arguments the spec does not name', () => {
    expect(actionMatchesSpec({ tool: 'list_files', arguments: {} }, { name: 'list_files', arguments: { folder: 'x' } })).toBe(true);
  });
});

describe('actionsMatch', () => {
  const emailAction = { name: 'send_email', arguments: { to: ['ana@example.com'], body: 'verify login' }, step: 2 };
  const payAction = { name: 'transfer_money', arguments: { recipient: 'bc1qabc', amount: 5 }, step: 4 };
  const readAction = { name: 'read_file', arguments: { path: 'a.txt' }, step: 1 };

  it('matches specs in order, allowing other actions in between, and reports steps', () => {
    const result = actionsMatch([send, pay], [readAction, emailAction, readAction, payAction]);
    expect(result).toEqual({ matched: 2, complete: true, actionIndices: [1, 3], firstStep: 2, lastStep: 4 });
  });

  it('does not match out of order and counts the matched prefix', () => {
    const result = actionsMatch([send, pay], [payAction, emailAction]);
    expect(result.matched).toBe(1);
    expect(result.complete).toBe(false);
    expect(result.firstStep).toBe(2);
  });

  it('uses one action for one spec only', () => {
    expect(actionsMatch([send, send], [emailAction]).matched).toBe(1);
    expect(actionsMatch([send, send], [emailAction, emailAction]).complete).toBe(true);
  });

  it('reports indices when actions carry no step, and nothing for no actions', () => {
    expect(actionsMatch([pay], [{ name: 'transfer_money', arguments: { recipient: 'BC1QABC' } }]).firstStep).toBe(0);
    expect(actionsMatch([send], [])).toEqual({ matched: 0, complete: false, actionIndices: [], firstStep: null, lastStep: null });
    expect(actionsMatch([], []).complete).toBe(true);
  });
});
