import cliProgress from 'cli-progress';

/** A progress reporter on stderr: a bar on a terminal, a line every ~10% otherwise (CI logs). */
export interface Progress {
  update(done: number): void;
  stop(): void;
}

/** Starts a progress reporter for `total` units of work labelled `label`. */
export function startProgress(label: string, total: number, enabled = true): Progress {
  if (!enabled || total === 0) return { update: () => undefined, stop: () => undefined };
  if (process.stderr.isTTY) {
    const bar = new cliProgress.SingleBar(
      { format: `${label} [{bar}] {value}/{total} | {percentage}% | {duration_formatted} elapsed | eta {eta_formatted}`, stream: process.stderr, hideCursor: true },
      cliProgress.Presets.shades_classic,
    );
    bar.start(total, 0);
    return { update: (done) => bar.update(done), stop: () => bar.stop() };
  }
  const started = Date.now();
  let nextReport = Math.ceil(total / 10);
  return {
    update: (done) => {
      if (done >= nextReport || done === total) {
        process.stderr.write(`${label}: ${done}/${total} (${((Date.now() - started) / 1000).toFixed(1)} s)\n`);
        nextReport = done + Math.ceil(total / 10);
      }
    },
    stop: () => undefined,
  };
}
