/**
 * Progress reporting on stderr. On a TTY: one redrawn bar per step; otherwise one line when
 * a step starts and one when it ends (logs stay readable). `quiet` silences everything.
 */
export interface Progress {
  /** Starts a step; `total` units of work (1 when unknown). */
  step(label: string, total?: number): ProgressStep;
}

export interface ProgressStep {
  /** Sets the number of units done so far. */
  update(done: number): void;
  /** Marks the step finished and prints its duration. */
  done(note?: string): void;
}

/** Width of the bar in characters. */
export const PROGRESS_BAR_WIDTH = 28;
/** Minimum interval between TTY redraws, so tight loops do not flood the terminal. */
export const PROGRESS_REDRAW_MS = 80;

export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(chunk: string): unknown;
}

export function createProgress(stream: ProgressStream | undefined, options: { quiet?: boolean } = {}): Progress {
  if (!stream || options.quiet) {
    return { step: () => ({ update() {}, done() {} }) };
  }
  const tty = stream.isTTY === true;
  return {
    step(label: string, total = 1): ProgressStep {
      const started = Date.now();
      let lastDraw = 0;
      const draw = (done: number): void => {
        const fraction = total > 0 ? Math.min(1, done / total) : 1;
        const filled = Math.round(fraction * PROGRESS_BAR_WIDTH);
        const bar = '█'.repeat(filled) + '░'.repeat(PROGRESS_BAR_WIDTH - filled);
        stream.write(`\r\x1b[2K${label} ${bar} ${Math.round(fraction * 100)}%`);
      };
      if (tty) draw(0);
      else stream.write(`${label}…\n`);
      return {
        update(done: number) {
          if (!tty) return;
          const now = Date.now();
          if (now - lastDraw < PROGRESS_REDRAW_MS) return;
          lastDraw = now;
          draw(done);
        },
        done(note?: string) {
          const seconds = ((Date.now() - started) / 1000).toFixed(1);
          const suffix = note ? ` (${note})` : '';
          if (tty) {
            draw(total);
            stream.write(` ${seconds}s${suffix}\n`);
          } else stream.write(`${label}: done in ${seconds}s${suffix}\n`);
        },
      };
    },
  };
}
