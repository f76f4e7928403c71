/**
 * An error printed as one line without a stack: caused by the user's input (flag, config, file;
 * exit code 2), or a known condition with a remedy to tell (another exit code, e.g. 1).
 */
export class UserError extends Error {
  override readonly name = 'UserError';

  constructor(
    message: string,
    /** The process's exit code. */
    readonly exitCode = 2,
  ) {
    super(message);
  }
}
