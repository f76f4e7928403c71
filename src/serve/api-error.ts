import type { z } from 'zod';

/** The `error` object of an OpenAI-style error body. */
export interface ApiErrorBody {
  error: { message: string; type: string; param: string | null; code: string | null };
}

/** A request the server refuses: the HTTP status and the OpenAI-style error body it answers with. */
export class ApiError extends Error {
  override readonly name = 'ApiError';
  constructor(
    readonly status: number,
    message: string,
    readonly type: string = 'invalid_request_error',
    readonly param: string | null = null,
    readonly code: string | null = null,
  ) {
    super(message);
  }

  /** The JSON body: `{error: {message, type, param, code}}`. */
  body(): ApiErrorBody {
    return { error: { message: this.message, type: this.type, param: this.param, code: this.code } };
  }
}

/** Renders a zod issue path the way OpenAI names parameters: `messages[0].content`. */
export function parameterName(path: readonly PropertyKey[]): string {
  return path.reduce<string>((name, key) => (typeof key === 'number' ? `${name}[${key}]` : name === '' ? String(key) : `${name}.${String(key)}`), '');
}

function valueAt(value: unknown, path: readonly PropertyKey[]): unknown {
  return path.reduce<unknown>((current, key) => (current !== null && typeof current === 'object' ? (current as Record<PropertyKey, unknown>)[key] : undefined), value);
}

/** The 400 for the first issue of validating `input`, naming the parameter (`prefix` is where `input` sits in the request). */
export function validationError(error: z.ZodError, input: unknown, prefix = ''): ApiError {
  const issue = error.issues[0];
  const param = [prefix, parameterName(issue?.path ?? [])].filter((part) => part !== '').join('.') || null;
  const missing = issue !== undefined && issue.code !== 'unrecognized_keys' && valueAt(input, issue.path) === undefined;
  const code = missing ? 'missing_required_parameter' : issue?.code === 'invalid_type' ? 'invalid_type' : 'invalid_value';
  const message = `${param ?? 'request body'}: ${missing ? 'required' : (issue?.message ?? 'invalid')}`;
  return new ApiError(400, message, 'invalid_request_error', param, code);
}
