/** Progress of `fate evolve` (from the parent process or relayed from a worker process), for the CLI. */
export type EvolveEvent =
  | { kind: 'phase-start'; label: string }
  | { kind: 'phase-done'; label: string; seconds: number; detail: string }
  | { kind: 'phase-resumed'; label: string }
  | { kind: 'phase-shared'; label: string; from: string }
  | { kind: 'progress'; label: string; done: number; total: number }
  | { kind: 'job-restarted'; job: string; attempt: number; reason: string }
  /** A job went to worker process number `worker` (numbered as the run starts them; a process runs one job after another). */
  | { kind: 'job-started'; job: string; worker: number };
