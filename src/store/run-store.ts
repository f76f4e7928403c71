import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { RepairAttempt } from '../fate/repair-round.js';
import type { ReplayBufferEntry } from '../fate/replay-buffer.js';
import type { Task } from '../suites/task.js';
import type { Trajectory } from '../trajectory/trajectory.js';
import type { Verdict } from '../verifiers/score.js';

/** One stored episode. */
export interface StoredEpisode {
  phase: string;
  taskId: string;
  sample: number;
  policy: string;
  trajectory: Trajectory;
  finalState: unknown;
  verdict: Verdict;
}

/** One failure a repair round worked on, with the outcome of its selection. */
export interface StoredRepairFailure {
  round: number;
  taskId: string;
  sample: number;
  taskSeed: number;
  primaryType: string;
  types: string[];
  failedObjectives: unknown[];
  trajectory: Trajectory;
  verdict: Verdict;
  repairPrompt: string;
  status: 'repaired' | 'unrepaired';
  /** Candidate index of the accepted repair, or null. */
  chosenCandidate: number | null;
  /** Why the chosen candidate won, or why none was accepted. */
  reason: string;
}

/** One scored repair candidate with its place in selection. */
export interface StoredRepairCandidate {
  round: number;
  /** The original task's id. */
  taskId: string;
  sample: number;
  candidate: number;
  trajectory: Trajectory;
  verdict: Verdict;
  objectiveVector: (number | null)[];
  outcome: string;
  front: number;
  tieBreak: number;
  chosen: boolean;
  note: string;
}

/** One repair round of a run. */
export interface StoredRepairRound {
  round: number;
  policy: string;
  options: unknown;
  status: 'running' | 'complete' | 'failed';
  summary: unknown;
}

const schema = `
CREATE TABLE IF NOT EXISTS runs (
  id TEXT PRIMARY KEY,
  command TEXT NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
  created_at TEXT NOT NULL,
  finished_at TEXT,
  error TEXT
);
CREATE TABLE IF NOT EXISTS tasks (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  suite TEXT NOT NULL,
  split TEXT NOT NULL,
  kind TEXT NOT NULL,
  family TEXT NOT NULL,
  task TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id)
);
CREATE TABLE IF NOT EXISTS episodes (
  run_id TEXT NOT NULL,
  phase TEXT NOT NULL,
  task_id TEXT NOT NULL,
  sample INTEGER NOT NULL,
  policy TEXT NOT NULL,
  trajectory TEXT NOT NULL,
  final_state TEXT NOT NULL,
  verdict TEXT NOT NULL,
  PRIMARY KEY (run_id, phase, task_id, sample)
);
CREATE TABLE IF NOT EXISTS repair_rounds (
  run_id TEXT NOT NULL,
  round INTEGER NOT NULL,
  policy TEXT NOT NULL,
  options TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('running', 'complete', 'failed')),
  started_at TEXT NOT NULL,
  finished_at TEXT,
  summary TEXT,
  error TEXT,
  PRIMARY KEY (run_id, round)
);
CREATE TABLE IF NOT EXISTS repair_failures (
  run_id TEXT NOT NULL,
  round INTEGER NOT NULL,
  task_id TEXT NOT NULL,
  sample INTEGER NOT NULL,
  task_seed INTEGER NOT NULL,
  primary_type TEXT NOT NULL,
  types TEXT NOT NULL,
  failed_objectives TEXT NOT NULL,
  trajectory TEXT NOT NULL,
  verdict TEXT NOT NULL,
  repair_prompt TEXT NOT NULL,
  status TEXT NOT NULL CHECK (status IN ('repaired', 'unrepaired')),
  chosen_candidate INTEGER,
  reason TEXT NOT NULL,
  PRIMARY KEY (run_id, round, task_id, sample)
);
CREATE TABLE IF NOT EXISTS repair_candidates (
  run_id TEXT NOT NULL,
  round INTEGER NOT NULL,
  task_id TEXT NOT NULL,
  sample INTEGER NOT NULL,
  candidate INTEGER NOT NULL,
  trajectory TEXT NOT NULL,
  verdict TEXT NOT NULL,
  objective_vector TEXT NOT NULL,
  outcome TEXT NOT NULL,
  front INTEGER NOT NULL,
  tie_break REAL NOT NULL,
  chosen INTEGER NOT NULL,
  note TEXT NOT NULL,
  PRIMARY KEY (run_id, round, task_id, sample, candidate)
);
CREATE TABLE IF NOT EXISTS replay_buffer (
  run_id TEXT NOT NULL,
  task_id TEXT NOT NULL,
  task_seed INTEGER NOT NULL,
  content_key TEXT NOT NULL,
  family TEXT NOT NULL,
  kind TEXT NOT NULL,
  round INTEGER NOT NULL,
  candidate INTEGER NOT NULL,
  failure_type TEXT NOT NULL,
  repair_prompt TEXT NOT NULL,
  original_prompt TEXT NOT NULL,
  repair_trajectory TEXT NOT NULL,
  failure_trajectory TEXT NOT NULL,
  repair_verdict TEXT NOT NULL,
  failure_verdict TEXT NOT NULL,
  added_at TEXT NOT NULL,
  PRIMARY KEY (run_id, task_id, task_seed, content_key)
);
`;

/** A fresh, readable run id: UTC time plus a short label. */
export function newRunId(label: string, now: Date = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace(/\.\d+Z$/, '').replace('T', '-');
  const slug = label.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '').slice(0, 40);
  return `${stamp}-${slug}`;
}

/**
 * The run store: a folder `runs/<id>/` with `run.sqlite` (tasks, trajectories, verdicts) and, only
 * once the run is complete, `summary.json` (written atomically). A run that stops early stays
 * marked `running` or `failed` and has no summary.
 */
export class RunStore {
  readonly folder: string;
  private readonly database: Database.Database;

  private constructor(
    readonly runId: string,
    folder: string,
  ) {
    this.folder = folder;
    this.database = new Database(path.join(folder, 'run.sqlite'));
    this.database.pragma('journal_mode = WAL');
    this.database.exec(schema);
  }

  /**
   * Opens an existing run folder (one holding `run.sqlite`); throws when there is none or it
   * registers no run. Tables added since the run was written are created.
   */
  static open(folder: string): RunStore {
    const file = path.join(folder, 'run.sqlite');
    if (!existsSync(file)) throw new Error(`${folder} holds no run.sqlite`);
    const probe = new Database(file, { fileMustExist: true });
    let row: { id: string } | undefined;
    try {
      row = probe.prepare('SELECT id FROM runs ORDER BY created_at LIMIT 1').get() as { id: string } | undefined;
    } catch {
      row = undefined;
    } finally {
      probe.close();
    }
    if (!row) throw new Error(`${file} registers no run`);
    return new RunStore(row.id, folder);
  }

  /** Creates `runsDirectory/<runId>/` and registers the run as running. */
  static create(runsDirectory: string, requestedRunId: string, command: string, options: unknown): RunStore {
    mkdirSync(runsDirectory, { recursive: true });
    let runId = requestedRunId;
    for (let attempt = 2; existsSync(path.join(runsDirectory, runId)); attempt += 1) runId = `${requestedRunId}-${attempt}`;
    const folder = path.join(runsDirectory, runId);
    mkdirSync(folder);
    const store = new RunStore(runId, folder);
    store.database
      .prepare('INSERT OR REPLACE INTO runs (id, command, options, status, created_at) VALUES (?, ?, ?, ?, ?)')
      .run(runId, command, JSON.stringify(options), 'running', new Date().toISOString());
    return store;
  }

  /** Stores the run's tasks. */
  addTasks(tasks: readonly Task[]): void {
    const insert = this.database.prepare(
      'INSERT OR REPLACE INTO tasks (run_id, task_id, suite, split, kind, family, task) VALUES (?, ?, ?, ?, ?, ?, ?)',
    );
    this.database.transaction(() => {
      for (const task of tasks) insert.run(this.runId, task.id, task.suite, task.split, task.kind, task.family, JSON.stringify(task));
    })();
  }

  /** Stores scored episodes in one transaction. */
  addEpisodes(episodes: readonly StoredEpisode[]): void {
    const insert = this.database.prepare(
      'INSERT OR REPLACE INTO episodes (run_id, phase, task_id, sample, policy, trajectory, final_state, verdict) VALUES (?, ?, ?, ?, ?, ?, ?, ?)',
    );
    this.database.transaction(() => {
      for (const episode of episodes) {
        insert.run(
          this.runId,
          episode.phase,
          episode.taskId,
          episode.sample,
          episode.policy,
          JSON.stringify(episode.trajectory),
          JSON.stringify(episode.finalState),
          JSON.stringify(episode.verdict),
        );
      }
    })();
  }

  /** Episodes of a phase, in insertion order. */
  episodes(phase: string): StoredEpisode[] {
    const rows = this.database
      .prepare('SELECT phase, task_id, sample, policy, trajectory, final_state, verdict FROM episodes WHERE run_id = ? AND phase = ? ORDER BY rowid')
      .all(this.runId, phase) as { phase: string; task_id: string; sample: number; policy: string; trajectory: string; final_state: string; verdict: string }[];
    return rows.map((row) => ({
      phase: row.phase,
      taskId: row.task_id,
      sample: row.sample,
      policy: row.policy,
      trajectory: JSON.parse(row.trajectory) as Trajectory,
      finalState: JSON.parse(row.final_state) as unknown,
      verdict: JSON.parse(row.verdict) as Verdict,
    }));
  }

  /** The command and options the run was created with. */
  runRecord(): { command: string; options: unknown; status: string } {
    const row = this.database.prepare('SELECT command, options, status FROM runs WHERE id = ?').get(this.runId) as { command: string; options: string; status: string } | undefined;
    if (!row) throw new Error(`run ${this.runId} is not registered in its store`);
    return { command: row.command, options: JSON.parse(row.options) as unknown, status: row.status };
  }

  /** The run's tasks, in insertion order. */
  tasks(): Task[] {
    const rows = this.database.prepare('SELECT task FROM tasks WHERE run_id = ? ORDER BY rowid').all(this.runId) as { task: string }[];
    return rows.map((row) => JSON.parse(row.task) as Task);
  }

  /** Number of stored episodes per phase. */
  episodeCounts(): Record<string, number> {
    const rows = this.database.prepare('SELECT phase, COUNT(*) AS n FROM episodes WHERE run_id = ? GROUP BY phase ORDER BY MIN(rowid)').all(this.runId) as { phase: string; n: number }[];
    return Object.fromEntries(rows.map((row) => [row.phase, row.n]));
  }

  /** Registers a new repair round (numbered after the last one, from 1) as running and returns its number. */
  startRepairRound(policy: string, options: unknown): number {
    const row = this.database.prepare('SELECT MAX(round) AS last FROM repair_rounds WHERE run_id = ?').get(this.runId) as { last: number | null };
    const round = (row.last ?? 0) + 1;
    this.database
      .prepare('INSERT INTO repair_rounds (run_id, round, policy, options, status, started_at) VALUES (?, ?, ?, ?, ?, ?)')
      .run(this.runId, round, policy, JSON.stringify(options), 'running', new Date().toISOString());
    return round;
  }

  /** Marks a repair round complete with its summary. */
  completeRepairRound(round: number, summary: unknown): void {
    this.database
      .prepare("UPDATE repair_rounds SET status = 'complete', finished_at = ?, summary = ? WHERE run_id = ? AND round = ?")
      .run(new Date().toISOString(), JSON.stringify(summary), this.runId, round);
  }

  /** Marks a repair round failed with a reason. */
  failRepairRound(round: number, reason: string): void {
    this.database
      .prepare("UPDATE repair_rounds SET status = 'failed', finished_at = ?, error = ? WHERE run_id = ? AND round = ?")
      .run(new Date().toISOString(), reason, this.runId, round);
  }

  /** The run's repair rounds, in order. */
  repairRounds(): StoredRepairRound[] {
    const rows = this.database.prepare('SELECT round, policy, options, status, summary FROM repair_rounds WHERE run_id = ? ORDER BY round').all(this.runId) as {
      round: number;
      policy: string;
      options: string;
      status: StoredRepairRound['status'];
      summary: string | null;
    }[];
    return rows.map((row) => ({ round: row.round, policy: row.policy, options: JSON.parse(row.options) as unknown, status: row.status, summary: row.summary === null ? null : (JSON.parse(row.summary) as unknown) }));
  }

  /** Stores a round's repair attempts: each failure with its selection outcome, and every candidate with its scores, front, R_pf and note. */
  addRepairAttempts(round: number, attempts: readonly RepairAttempt[]): void {
    const insertFailure = this.database.prepare(
      `INSERT OR REPLACE INTO repair_failures (run_id, round, task_id, sample, task_seed, primary_type, types, failed_objectives, trajectory, verdict, repair_prompt, status, chosen_candidate, reason)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    const insertCandidate = this.database.prepare(
      `INSERT OR REPLACE INTO repair_candidates (run_id, round, task_id, sample, candidate, trajectory, verdict, objective_vector, outcome, front, tie_break, chosen, note)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    this.database.transaction(() => {
      for (const attempt of attempts) {
        const { failure } = attempt;
        insertFailure.run(
          this.runId,
          round,
          failure.task.id,
          failure.sample,
          failure.task.seed,
          failure.primaryType,
          JSON.stringify(failure.types),
          JSON.stringify(failure.failedObjectives),
          JSON.stringify(failure.trajectory),
          JSON.stringify(failure.verdict),
          attempt.repairPrompt,
          attempt.repair ? 'repaired' : 'unrepaired',
          attempt.selection.chosenIndex,
          attempt.selection.reason,
        );
        for (const candidate of attempt.candidates) {
          insertCandidate.run(
            this.runId,
            round,
            failure.task.id,
            failure.sample,
            candidate.index,
            JSON.stringify(candidate.trajectory),
            JSON.stringify(candidate.verdict),
            JSON.stringify(candidate.vector),
            candidate.outcome,
            candidate.assessment.front,
            candidate.assessment.tieBreak,
            candidate.assessment.chosen ? 1 : 0,
            candidate.assessment.note,
          );
        }
      }
    })();
  }

  /** Stored repair failures (of one round, or of every round), in order. */
  repairFailures(round?: number): StoredRepairFailure[] {
    const rows = this.database
      .prepare(`SELECT * FROM repair_failures WHERE run_id = ?${round === undefined ? '' : ' AND round = ?'} ORDER BY round, rowid`)
      .all(...(round === undefined ? [this.runId] : [this.runId, round])) as Record<string, string | number | null>[];
    return rows.map((row) => ({
      round: Number(row['round']),
      taskId: String(row['task_id']),
      sample: Number(row['sample']),
      taskSeed: Number(row['task_seed']),
      primaryType: String(row['primary_type']),
      types: JSON.parse(String(row['types'])) as string[],
      failedObjectives: JSON.parse(String(row['failed_objectives'])) as unknown[],
      trajectory: JSON.parse(String(row['trajectory'])) as Trajectory,
      verdict: JSON.parse(String(row['verdict'])) as Verdict,
      repairPrompt: String(row['repair_prompt']),
      status: row['status'] === 'repaired' ? 'repaired' : 'unrepaired',
      chosenCandidate: row['chosen_candidate'] === null ? null : Number(row['chosen_candidate']),
      reason: String(row['reason']),
    }));
  }

  /** Stored repair candidates (of one round, or of every round), in order. */
  repairCandidates(round?: number): StoredRepairCandidate[] {
    const rows = this.database
      .prepare(`SELECT * FROM repair_candidates WHERE run_id = ?${round === undefined ? '' : ' AND round = ?'} ORDER BY round, rowid`)
      .all(...(round === undefined ? [this.runId] : [this.runId, round])) as Record<string, string | number>[];
    return rows.map((row) => ({
      round: Number(row['round']),
      taskId: String(row['task_id']),
      sample: Number(row['sample']),
      candidate: Number(row['candidate']),
      trajectory: JSON.parse(String(row['trajectory'])) as Trajectory,
      verdict: JSON.parse(String(row['verdict'])) as Verdict,
      objectiveVector: JSON.parse(String(row['objective_vector'])) as (number | null)[],
      outcome: String(row['outcome']),
      front: Number(row['front']),
      tieBreak: Number(row['tie_break']),
      chosen: Number(row['chosen']) === 1,
      note: String(row['note']),
    }));
  }

  /**
   * Adds entries to the repair replay buffer, which accumulates across rounds. An entry whose task
   * instance (id and seed) and repair content (`contentKey`) are already there is skipped.
   */
  addToReplayBuffer(entries: readonly ReplayBufferEntry[]): { added: number; duplicates: number } {
    const insert = this.database.prepare(
      `INSERT OR IGNORE INTO replay_buffer (run_id, task_id, task_seed, content_key, family, kind, round, candidate, failure_type, repair_prompt, original_prompt, repair_trajectory, failure_trajectory, repair_verdict, failure_verdict, added_at)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    );
    let added = 0;
    const now = new Date().toISOString();
    this.database.transaction(() => {
      for (const entry of entries) {
        added += insert.run(
          this.runId,
          entry.taskId,
          entry.taskSeed,
          entry.contentKey,
          entry.family,
          entry.kind,
          entry.round,
          entry.candidateIndex,
          entry.failureType,
          entry.repairPrompt,
          entry.originalPrompt,
          JSON.stringify(entry.repair),
          JSON.stringify(entry.failure),
          JSON.stringify(entry.repairVerdict),
          JSON.stringify(entry.failureVerdict),
          now,
        ).changes;
      }
    })();
    return { added, duplicates: entries.length - added };
  }

  /** The whole repair replay buffer, in the order entries were added. */
  replayBuffer(): ReplayBufferEntry[] {
    const rows = this.database.prepare('SELECT * FROM replay_buffer WHERE run_id = ? ORDER BY rowid').all(this.runId) as Record<string, string | number>[];
    return rows.map((row) => ({
      taskId: String(row['task_id']),
      taskSeed: Number(row['task_seed']),
      family: String(row['family']),
      kind: String(row['kind']) as ReplayBufferEntry['kind'],
      round: Number(row['round']),
      candidateIndex: Number(row['candidate']),
      contentKey: String(row['content_key']),
      failureType: String(row['failure_type']) as ReplayBufferEntry['failureType'],
      repairPrompt: String(row['repair_prompt']),
      originalPrompt: String(row['original_prompt']),
      repair: JSON.parse(String(row['repair_trajectory'])) as Trajectory,
      failure: JSON.parse(String(row['failure_trajectory'])) as Trajectory,
      repairVerdict: JSON.parse(String(row['repair_verdict'])) as Verdict,
      failureVerdict: JSON.parse(String(row['failure_verdict'])) as Verdict,
    }));
  }

  /** Writes `summary.json` atomically and marks the run complete. */
  complete(summary: unknown): string {
    const file = path.join(this.folder, 'summary.json');
    writeFileSync(`${file}.partial`, `${JSON.stringify(summary, null, 2)}\n`);
    renameSync(`${file}.partial`, file);
    this.database.prepare("UPDATE runs SET status = 'complete', finished_at = ? WHERE id = ?").run(new Date().toISOString(), this.runId);
    return file;
  }

  /** Marks the run failed with a reason. */
  fail(reason: string): void {
    this.database.prepare("UPDATE runs SET status = 'failed', finished_at = ?, error = ? WHERE id = ?").run(new Date().toISOString(), reason, this.runId);
  }

  /** Marks a run that stopped (failed or interrupted) as running again, for a command that continues it. */
  reopen(): void {
    this.database.prepare("UPDATE runs SET status = 'running', finished_at = NULL, error = NULL WHERE id = ?").run(this.runId);
  }

  /** The run's status. */
  status(): string {
    const row = this.database.prepare('SELECT status FROM runs WHERE id = ?').get(this.runId) as { status: string } | undefined;
    return row?.status ?? 'unknown';
  }

  /** Closes the database. */
  close(): void {
    this.database.close();
  }
}
