import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { newRunId, RunStore } from './run-store.js';

describe('RunStore', () => {
  it('never reuses a run folder, keeps a failed run without summary', () => {
    const runs = mkdtempSync(path.join(tmpdir(), 'fate-store-'));
    const id = newRunId('eval scripted:oracle', new Date('2026-01-02T03:04:05Z'));
    expect(id).toBe('20260102-030405-eval-scripted-oracle');
    const first = RunStore.create(runs, id, 'eval', {});
    const second = RunStore.create(runs, id, 'eval', {});
    expect(second.runId).toBe(`${id}-2`);
    second.fail('interrupted');
    expect(second.status()).toBe('failed');
    expect(existsSync(path.join(second.folder, 'summary.json'))).toBe(false);
    first.complete({ ok: true });
    expect(first.status()).toBe('complete');
    expect(existsSync(path.join(first.folder, 'summary.json'))).toBe(true);
    first.close();
    second.close();
  });
});
