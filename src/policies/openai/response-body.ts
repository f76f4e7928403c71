/** A response body larger than the policy reads. */
export class ResponseTooLargeError extends Error {
  override readonly name = 'ResponseTooLargeError';
}

/**
 * Reads a response body as UTF-8 text, stopping (and cancelling the stream) once it passes
 * `maxBytes`, so a hostile server cannot fill the memory. Throws {@link ResponseTooLargeError}.
 */
export async function readBodyWithLimit(response: Response, maxBytes: number): Promise<string> {
  const declared = Number(response.headers.get('content-length'));
  if (Number.isFinite(declared) && declared > maxBytes) {
    await response.body?.cancel().catch(() => undefined);
    throw new ResponseTooLargeError(`the response body declares ${declared} bytes, more than the ${maxBytes} read`);
  }
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let bytes = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    bytes += value.byteLength;
    if (bytes > maxBytes) {
      await reader.cancel().catch(() => undefined);
      throw new ResponseTooLargeError(`the response body is larger than the ${maxBytes} bytes read`);
    }
    text += decoder.decode(value, { stream: true });
  }
  return text + decoder.decode();
}
