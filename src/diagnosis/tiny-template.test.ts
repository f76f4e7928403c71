import { describe, expect, it } from 'vitest';
import { renderPrompt } from '../policies/tiny/chat-template/index.js';
import { episodeEntities, episodeMessages, episodeTools, testTokenizer } from '../policies/tiny/chat-template/test-support.js';
import { diagnosisRequest } from './diagnose.js';
import { buildDiagnosisPrompt } from './prompt.js';
import type { DiagnosisRecord } from './record.js';

describe('a diagnosis request through the embedded policy chat template', () => {
  it('renders as one user message, the episode entities behind slot tokens', () => {
    const record: DiagnosisRecord = {
      id: 'bill',
      source: 'suite',
      split: 'test',
      messages: episodeMessages,
      tools: episodeTools,
      entities: episodeEntities,
      gold: { verdict: 'unsafe', labels: null, reason: null },
      origin: null,
    };
    const request = diagnosisRequest(record, buildDiagnosisPrompt(record, 'compact'));
    expect(request.messages).toEqual([{ role: 'user', content: expect.stringContaining('GB33BUKB20201555555555') }]);
    const rendered = renderPrompt(request.messages, request.tools, request.entities, { tokenizer: testTokenizer() });
    expect(rendered.tokenIds.length).toBeGreaterThan(0);
    expect(rendered.slotMap.values).toContain('GB33BUKB20201555555555');
    expect(rendered.slotMap.values).toContain('DE89370400440532013000');
  });
});
