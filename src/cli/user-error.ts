/** An error caused by the user's input (flag, config, file): printed as one line, exit code 2. */
export class UserError extends Error {
  override readonly name = 'UserError';
}
