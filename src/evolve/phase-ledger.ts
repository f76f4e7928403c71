import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The ledger file of an evolve run: which phases finished, with their results. */
export const phaseLedgerSchema = z.object({
  version: z.literal(1),
  /** The options the run was started with (a resumed run takes them from here). */
  options: z.record(z.string(), z.unknown()),
  /** Finished phases by key, in the order they finished. */
  phases: z.record(z.string(), z.unknown()),
});
export type PhaseLedgerFile = z.infer<typeof phaseLedgerSchema>;

/** The ledger could not be read: names the file and what is wrong. */
export class PhaseLedgerError extends Error {
  override readonly name = 'PhaseLedgerError';
}

/**
 * What an evolve run has finished, persisted after every phase (atomically: write a temporary
 * file, then rename), so that a run killed at any point resumes from the last finished phase.
 * Bulky phase outputs (rollouts, repairs) live in their own files under `data/`.
 */
export class PhaseLedger {
  private constructor(
    readonly file: string,
    private readonly content: PhaseLedgerFile,
  ) {}

  /** A new ledger for a run started with `options` (overwrites nothing: the file must not exist). */
  static create(directory: string, options: Record<string, unknown>): PhaseLedger {
    const file = path.join(directory, 'evolve-state.json');
    if (existsSync(file)) throw new PhaseLedgerError(`${file}: a run already exists there; resume it with --resume`);
    mkdirSync(directory, { recursive: true });
    const ledger = new PhaseLedger(file, { version: 1, options, phases: {} });
    ledger.write();
    return ledger;
  }

  /** The ledger of an existing run. */
  static open(directory: string): PhaseLedger {
    const file = path.join(directory, 'evolve-state.json');
    if (!existsSync(file)) throw new PhaseLedgerError(`${file}: not found, so ${directory} holds no evolve run to resume`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new PhaseLedgerError(`${file}: not valid JSON (${(error as Error).message})`);
    }
    const result = phaseLedgerSchema.safeParse(parsed);
    if (!result.success) {
      const issue = result.error.issues[0];
      throw new PhaseLedgerError(`${file}: field ${issue?.path.join('.') || '(root)'}: ${issue?.message ?? 'invalid'}`);
    }
    return new PhaseLedger(file, result.data);
  }

  /** The options the run was started with. */
  get options(): Record<string, unknown> {
    return this.content.options;
  }

  /** Where a phase's bulky output is kept. */
  dataFile(key: string): string {
    return path.join(path.dirname(this.file), 'data', `${key.replaceAll('/', '__')}.json`);
  }

  has(key: string): boolean {
    return Object.hasOwn(this.content.phases, key);
  }

  /** The recorded result of a finished phase. */
  get<T>(key: string): T {
    if (!this.has(key)) throw new Error(`phase ${key} has not finished`);
    return this.content.phases[key] as T;
  }

  /** Records a finished phase (and persists the ledger). */
  record(key: string, result: unknown): void {
    this.content.phases[key] = result;
    this.write();
  }

  /** Writes a phase's bulky output (before recording the phase). */
  writeData(key: string, data: unknown): void {
    writeAtomically(this.dataFile(key), JSON.stringify(data));
  }

  /** Reads a phase's bulky output back. */
  readData<T>(key: string): T {
    const file = this.dataFile(key);
    try {
      return JSON.parse(readFileSync(file, 'utf8')) as T;
    } catch (error) {
      throw new PhaseLedgerError(`${file}: cannot read the output of phase ${key} (${(error as Error).message})`);
    }
  }

  private write(): void {
    writeAtomically(this.file, `${JSON.stringify(this.content, null, 2)}\n`);
  }
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
