import type { z } from 'zod';

/** Bad diagnosis data: one line naming the file, the record and the field. */
export class DiagnosisDataError extends Error {
  override readonly name = 'DiagnosisDataError';
}

/** `FILE: record N: field F: MESSAGE` (or without the field when the whole record is at fault). */
export function recordError(file: string, recordNumber: number, field: string | null, message: string): DiagnosisDataError {
  return new DiagnosisDataError(`${file}: record ${recordNumber}: ${field === null ? '' : `field ${field}: `}${message}`);
}

/** The first issue of a zod error as a record error, its field written as a dotted path (`contents.0.2.role`). */
export function recordErrorOfIssues(file: string, recordNumber: number, error: z.ZodError, prefix: readonly (string | number)[] = []): DiagnosisDataError {
  const issue = error.issues[0];
  const field = [...prefix, ...(issue?.path ?? [])].map(String).join('.');
  return recordError(file, recordNumber, field === '' ? null : field, (issue?.message ?? 'invalid').replace(/\s+/g, ' '));
}
