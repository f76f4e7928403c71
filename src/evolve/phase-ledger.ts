import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** `evolve-state.json` of an evolve run: the options it was started with (finished phases live under `phases/`). */
export const phaseLedgerSchema = z.object({
  version: z.literal(2),
  /** The options the run was started with (a resumed run takes them from here). */
  options: z.record(z.string(), z.unknown()),
});
export type PhaseLedgerFile = z.infer<typeof phaseLedgerSchema>;

/** `evolve-state.json` as fate wrote it before phases had their own files (read to migrate it). */
const phaseLedgerVersion1Schema = z.object({
  version: z.literal(1),
  options: z.record(z.string(), z.unknown()),
  phases: z.record(z.string(), z.object({ result: z.unknown(), checkpoint: z.string().nullable(), seconds: z.number().nonnegative() })),
});

/** `phases/<key>.json`: one finished phase. */
export const phaseRecordSchema = z.object({
  /** The phase's key, e.g. `fate/round-1/supervised`. */
  key: z.string().min(1),
  /** What the phase computed (its own shape per phase). */
  result: z.unknown(),
  /** The checkpoint saved after the phase (training phases), or null. */
  checkpoint: z.string().nullable(),
  /** How long the phase ran. */
  seconds: z.number().nonnegative(),
});

/** A finished phase as the ledger keeps it, with the result typed by the caller. */
export interface PhaseRecord<T = unknown> {
  key: string;
  result: T;
  checkpoint: string | null;
  seconds: number;
}

/** The ledger could not be read: names the file and what is wrong. */
export class PhaseLedgerError extends Error {
  override readonly name = 'PhaseLedgerError';
}

/**
 * What an evolve run has finished, persisted after every phase so that a run killed at any point
 * resumes from its last finished phases. Each finished phase is its own file under `phases/`,
 * written atomically (a temporary file, then a rename) and never rewritten, so several processes
 * can record phases of the same run at once; `evolve-state.json` holds the run's options. Bulky
 * phase outputs (rollouts, repairs) live in their own files under `data/`.
 */
export class PhaseLedger {
  private readonly recorded = new Map<string, PhaseRecord>();

  private constructor(
    /** `evolve-state.json`. */
    readonly file: string,
    private readonly content: PhaseLedgerFile,
  ) {}

  /** A new ledger for a run started with `options` (overwrites nothing: the file must not exist). */
  static create(directory: string, options: Record<string, unknown>): PhaseLedger {
    const file = path.join(directory, 'evolve-state.json');
    if (existsSync(file)) throw new PhaseLedgerError(`${file}: a run already exists there; resume it with --resume`);
    mkdirSync(directory, { recursive: true });
    const ledger = new PhaseLedger(file, { version: 2, options });
    writeAtomically(file, `${JSON.stringify(ledger.content, null, 2)}\n`);
    return ledger;
  }

  /**
   * The ledger of an existing run, with every phase file checked. A ledger written before phases
   * had their own files (version 1) is converted in place.
   */
  static open(directory: string): PhaseLedger {
    const file = path.join(directory, 'evolve-state.json');
    if (!existsSync(file)) throw new PhaseLedgerError(`${file}: not found, so ${directory} holds no evolve run to resume`);
    const parsed = readJson(file);
    if (typeof parsed === 'object' && parsed !== null && (parsed as { version?: unknown }).version === 1) {
      const version1 = parseWith(phaseLedgerVersion1Schema, parsed, file);
      const ledger = new PhaseLedger(file, { version: 2, options: version1.options });
      for (const [key, phase] of Object.entries(version1.phases)) {
        if (!ledger.has(key)) ledger.record(key, phase.result, phase.checkpoint, phase.seconds);
      }
      writeAtomically(file, `${JSON.stringify(ledger.content, null, 2)}\n`);
      return ledger;
    }
    const ledger = new PhaseLedger(file, parseWith(phaseLedgerSchema, parsed, file));
    for (const key of ledger.recordedKeys()) ledger.get(key);
    return ledger;
  }

  /** The options the run was started with. */
  get options(): Record<string, unknown> {
    return this.content.options;
  }

  /** The file a finished phase is recorded in. */
  phaseFile(key: string): string {
    return path.join(path.dirname(this.file), 'phases', `${key.replaceAll('/', '__')}.json`);
  }

  /** Where a phase's bulky output is kept. */
  dataFile(key: string): string {
    return path.join(path.dirname(this.file), 'data', `${key.replaceAll('/', '__')}.json`);
  }

  /** Whether the phase has finished, in this process or in any other working on the same run. */
  has(key: string): boolean {
    return this.recorded.has(key) || existsSync(this.phaseFile(key));
  }

  /** The record of a finished phase (read from its file the first time, checked field by field). */
  get<T>(key: string): PhaseRecord<T> {
    const cached = this.recorded.get(key);
    if (cached) return cached as PhaseRecord<T>;
    const file = this.phaseFile(key);
    if (!existsSync(file)) throw new Error(`phase ${key} has not finished`);
    const record = parseWith(phaseRecordSchema, readJson(file), file);
    if (record.key !== key) throw new PhaseLedgerError(`${file}: field key: expected "${key}", got "${record.key}"`);
    this.recorded.set(key, record);
    return record as PhaseRecord<T>;
  }

  /**
   * The seconds of every finished phase, summed: the run's work in every process and every
   * invocation (phases that ran side by side in worker processes both count; a phase interrupted
   * and run again counts once, as it is recorded once).
   */
  recordedSeconds(): number {
    return this.recordedKeys().reduce((total, key) => total + this.get(key).seconds, 0);
  }

  /** The keys of every phase file on disk, in name order (whichever process recorded them). */
  private recordedKeys(): string[] {
    const phases = path.join(path.dirname(this.file), 'phases');
    if (!existsSync(phases)) return [];
    return readdirSync(phases)
      .filter((entry) => entry.endsWith('.json'))
      .sort()
      .map((name) => name.slice(0, -'.json'.length).replaceAll('__', '/'));
  }

  /** Records a finished phase in its own file. */
  record(key: string, result: unknown, checkpoint: string | null, seconds: number): void {
    const record: PhaseRecord = { key, result, checkpoint, seconds };
    writeAtomically(this.phaseFile(key), `${JSON.stringify(record, null, 2)}\n`);
    this.recorded.set(key, record);
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
}

function readJson(file: string): unknown {
  try {
    return JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new PhaseLedgerError(`${file}: not valid JSON (${(error as Error).message.split('\n')[0]})`);
  }
}

function parseWith<T>(schema: z.ZodType<T>, value: unknown, file: string): T {
  const result = schema.safeParse(value);
  if (!result.success) {
    const issue = result.error.issues[0];
    throw new PhaseLedgerError(`${file}: field ${issue?.path.join('.') || '(root)'}: ${issue?.message.split('\n')[0] ?? 'invalid'}`);
  }
  return result.data;
}

/** Writes through a temporary file and a rename, so a reader never sees half a file. */
export function writeAtomically(file: string, text: string): void {
  mkdirSync(path.dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, text);
  renameSync(temporary, file);
}
