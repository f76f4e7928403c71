import { Command, CommanderError } from 'commander';
import { diagnoseCommand } from './commands/diagnose.js';
import { evalCommand } from './commands/eval.js';
import { exportCommand } from './commands/export.js';
import { pretrainCommand } from './commands/pretrain.js';
import { repairCommand } from './commands/repair.js';
import { evolveCommand } from './commands/evolve.js';
import { serveCommand } from './commands/serve.js';
import { suitesCommand } from './commands/suites.js';
import { UserError } from './user-error.js';

/** Builds the `fate` command tree. */
export function buildProgram(): Command {
  const program = new Command('fate')
    .description('fate: make tool-using AI agents safe without making them useless (FATE, arXiv 2605.11882)')
    .version('0.1.0')
    .exitOverride();
  program.addCommand(evalCommand().exitOverride());
  program.addCommand(suitesCommand().exitOverride());
  program.addCommand(pretrainCommand().exitOverride());
  program.addCommand(evolveCommand().exitOverride());
  program.addCommand(repairCommand().exitOverride());
  program.addCommand(diagnoseCommand().exitOverride());
  program.addCommand(serveCommand().exitOverride());
  program.addCommand(exportCommand().exitOverride());
  return program;
}

/**
 * Runs the CLI with `argv` (without node and script) and returns the exit code: 0 on success,
 * 2 on bad input (one line on stderr), 1 on an unexpected failure.
 */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv as string[], { from: 'user' });
    return 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? 0 : 2;
    }
    if (error instanceof UserError) {
      process.stderr.write(`fate: ${error.message}\n`);
      return error.exitCode;
    }
    process.stderr.write(`fate: unexpected error: ${(error as Error).stack ?? String(error)}\n`);
    return 1;
  }
}
