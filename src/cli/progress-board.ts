import cliProgress from 'cli-progress';
import { startProgress, type Progress } from './progress.js';

/**
 * Progress of several pieces of work at once (e.g. evolve jobs in parallel worker processes), on
 * stderr: on a terminal one bar per label with lines printed above the bars, otherwise a line
 * every ~10% per label (CI logs).
 */
export interface ProgressBoard {
  /** Reports `done` of `total` for `label`; its bar starts on the first report and ends when done reaches total. */
  update(label: string, done: number, total: number): void;
  /** Ends the bars whose label starts with `prefix` (a phase and its sub-steps). */
  end(prefix: string): void;
  /** Prints one line (above the bars on a terminal). */
  log(line: string): void;
  /** Ends every bar. */
  stop(): void;
}

/** Starts a {@link ProgressBoard} on stderr. */
export function startProgressBoard(): ProgressBoard {
  return process.stderr.isTTY ? terminalBoard() : lineBoard();
}

function lineBoard(): ProgressBoard {
  const reporters = new Map<string, Progress>();
  const end = (prefix: string): void => {
    for (const [label, reporter] of reporters) {
      if (!label.startsWith(prefix)) continue;
      reporter.stop();
      reporters.delete(label);
    }
  };
  return {
    update(label, done, total) {
      let reporter = reporters.get(label);
      if (!reporter) {
        reporter = startProgress(label, total);
        reporters.set(label, reporter);
      }
      reporter.update(done);
      if (done >= total) end(label);
    },
    end,
    log: (line) => void process.stderr.write(`${line}\n`),
    stop: () => end(''),
  };
}

function terminalBoard(): ProgressBoard {
  let board: cliProgress.MultiBar | null = null;
  const bars = new Map<string, cliProgress.SingleBar>();
  const end = (prefix: string): void => {
    for (const [label, bar] of bars) {
      if (!label.startsWith(prefix)) continue;
      board?.remove(bar);
      bars.delete(label);
    }
    if (bars.size === 0 && board) {
      board.stop();
      board = null;
    }
  };
  return {
    update(label, done, total) {
      if (total === 0) return;
      let bar = bars.get(label);
      if (!bar) {
        board ??= new cliProgress.MultiBar(
          { format: '{label} [{bar}] {value}/{total} | {percentage}% | {duration_formatted} elapsed | eta {eta_formatted}', stream: process.stderr, hideCursor: true, clearOnComplete: true, forceRedraw: true },
          cliProgress.Presets.shades_classic,
        );
        bar = board.create(total, 0, { label });
        bars.set(label, bar);
      }
      bar.update(done);
      if (done >= total) end(label);
    },
    end,
    log(line) {
      if (board) board.log(`${line}\n`);
      else process.stderr.write(`${line}\n`);
    },
    stop: () => end(''),
  };
}
