import { describe, expect, it } from 'vitest';
import { loadTinyChatTemplate } from './template.js';
import { parseToolCallBody, toolCallBodyFrame } from './tool-call-body.js';

const template = loadTinyChatTemplate();

function body(name: string, argumentsText: string): string {
  const frame = toolCallBodyFrame(name, template);
  return `${frame.before}${argumentsText}${frame.after}`;
}

describe('tool call body', () => {
  it('reads back name and arguments exactly, valid JSON or not', () => {
    for (const argumentsText of ['{}', '{"a": 1}', '{"a":', 'not json at all', '', '{"x": "}"}}', '  {"spaced": true}  ']) {
      expect(parseToolCallBody(body('send_money', argumentsText), template)).toEqual({ name: 'send_money', arguments: argumentsText });
    }
    expect(parseToolCallBody(body('we"ird\\name', '{}'), template)).toEqual({ name: 'we"ird\\name', arguments: '{}' });
  });

  it('keeps arguments raw when the closing brace of the call is missing', () => {
    expect(parseToolCallBody('{"name": "send_money", "arguments": {"amount": 5', template)).toEqual({ name: 'send_money', arguments: '{"amount": 5' });
  });

  it('falls back to JSON for another layout, and to a loose search for broken text', () => {
    expect(parseToolCallBody('{"arguments": {"b": 2}, "name": "get_balance"}', template)).toEqual({ name: 'get_balance', arguments: '{"b":2}' });
    expect(parseToolCallBody('{"name":"read_file","arguments":{"file_name":"a.txt"}}', template)).toEqual({ name: 'read_file', arguments: '{"file_name":"a.txt"}' });
    expect(parseToolCallBody('{"name":"read_file","arguments":{"file_name":"a.txt"', template)).toEqual({ name: 'read_file', arguments: '{"file_name":"a.txt"' });
    expect(parseToolCallBody('{"name": "read_file"}', template)).toEqual({ name: 'read_file', arguments: '' });
    expect(parseToolCallBody('read_file a.txt', template)).toEqual({ name: '', arguments: '' });
    expect(parseToolCallBody('{"arguments": {"x": 1} garbage', template)).toEqual({ name: '', arguments: '{"x": 1} garbage' });
  });
});
