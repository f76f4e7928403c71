/** Where an `openai:` policy sends its requests. */
export interface OpenAiEndpoint {
  /** The model name sent in every request. */
  model: string;
  /** Base URL of the API (ending in `/v1` for most servers); undefined: the SDK default (`OPENAI_BASE_URL` or api.openai.com). */
  baseUrl: string | undefined;
}

/** An `openai:` spec that cannot be used. */
export class OpenAiPolicyError extends Error {
  override readonly name = 'OpenAiPolicyError';
}

/**
 * Parses the part after `openai:` of a spec, `MODEL[@BASE_URL]`. The model name may itself hold
 * `:` , `/` or `@` (`llama3:8b`, `org/model`, `model@version`); only an `@` followed by a URL
 * scheme starts the base URL. Throws {@link OpenAiPolicyError} with a one-line reason.
 */
export function parseOpenAiEndpoint(argument: string): OpenAiEndpoint {
  const separator = argument.search(/@[a-zA-Z][a-zA-Z0-9+.-]*:\/\/[^@]*$/);
  const model = separator === -1 ? argument : argument.slice(0, separator);
  const baseUrl = separator === -1 ? undefined : argument.slice(separator + 1);
  if (model.trim() === '') throw new OpenAiPolicyError(`policy "openai:${argument}" names no model; write openai:MODEL or openai:MODEL@BASE_URL`);
  if (baseUrl !== undefined) {
    let url: URL;
    try {
      url = new URL(baseUrl);
    } catch {
      throw new OpenAiPolicyError(`policy "openai:${argument}": base URL "${baseUrl}" is not a valid URL`);
    }
    if (url.protocol !== 'http:' && url.protocol !== 'https:') {
      throw new OpenAiPolicyError(`policy "openai:${argument}": base URL "${baseUrl}" must be http:// or https://`);
    }
  }
  return { model, baseUrl };
}
