import { existsSync, mkdirSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
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
