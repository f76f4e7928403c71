import { readFileSync } from 'node:fs';
import { atbenchRecordSchema, atbenchToDiagnosisRecord } from './atbench-record.js';
import { DiagnosisDataError, recordError, recordErrorOfIssues } from './data-error.js';
import { diagnosisJsonlLineSchema, jsonlLineToDiagnosisRecord } from './jsonl-record.js';
import type { DiagnosisRecord } from './record.js';

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * One record of a diagnosis data file, either format: a line of fate's trajectory JSONL (it has
 * `messages`) or an ATBench record (it has `contents` or `label`). Throws a {@link DiagnosisDataError}
 * naming the file, the record and the first bad field.
 */
export function parseDiagnosisRecord(value: unknown, file: string, recordNumber: number): DiagnosisRecord {
  if (!isObject(value)) throw recordError(file, recordNumber, null, 'expected a JSON object');
  if ('messages' in value) {
    const parsed = diagnosisJsonlLineSchema.safeParse(value);
    if (!parsed.success) throw recordErrorOfIssues(file, recordNumber, parsed.error);
    return jsonlLineToDiagnosisRecord(parsed.data, `record-${recordNumber}`);
  }
  if ('contents' in value || 'label' in value) {
    const parsed = atbenchRecordSchema.safeParse(value);
    if (!parsed.success) throw recordErrorOfIssues(file, recordNumber, parsed.error);
    return atbenchToDiagnosisRecord(parsed.data);
  }
  throw recordError(file, recordNumber, null, 'neither an ATBench record (contents, label) nor a line of fate trajectory JSONL (messages, metadata)');
}

/**
 * Reads labelled trajectories from text: a JSON array (ATBench500's format; record N is the
 * array's N-th element) or JSONL (fate's trajectory JSONL, or ATBench records one per line;
 * record N is line N, blank lines skipped). Throws a one-line {@link DiagnosisDataError}
 * (`FILE: record 17: field label: ...`) on the first bad record.
 */
export function parseDiagnosisData(text: string, file: string): DiagnosisRecord[] {
  const records: DiagnosisRecord[] = [];
  if (text.trimStart().startsWith('[')) {
    let values: unknown;
    try {
      values = JSON.parse(text);
    } catch (error) {
      throw new DiagnosisDataError(`${file}: not valid JSON: ${(error as Error).message}`);
    }
    (values as unknown[]).forEach((value, index) => records.push(parseDiagnosisRecord(value, file, index + 1)));
  } else {
    text.split('\n').forEach((line, index) => {
      if (line.trim() === '') return;
      let value: unknown;
      try {
        value = JSON.parse(line);
      } catch (error) {
        throw recordError(file, index + 1, null, `not valid JSON: ${(error as Error).message}`);
      }
      records.push(parseDiagnosisRecord(value, file, index + 1));
    });
  }
  if (records.length === 0) throw new DiagnosisDataError(`${file}: no records`);
  return records;
}

/** Reads a diagnosis data file ({@link parseDiagnosisData}); a missing or unreadable file is a {@link DiagnosisDataError}. */
export function readDiagnosisData(file: string): DiagnosisRecord[] {
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (error) {
    throw new DiagnosisDataError(`${file}: cannot read: ${(error as NodeJS.ErrnoException).code ?? (error as Error).message}`);
  }
  return parseDiagnosisData(text, file);
}
