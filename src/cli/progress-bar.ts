import { SingleBar } from 'cli-progress';
import type { ProgressView } from './job-progress.js';

/** One cli-progress bar on a terminal stream, its phase and figures beside it; loaded only on a terminal. */
export class ProgressBar {
  readonly #bar: SingleBar;
  #started = false;
  #stopped = false;

  constructor(stream: NodeJS.WriteStream) {
    this.#bar = new SingleBar({
      stream,
      format: '{phase} [{bar}] {percentage}% | {detail}',
      barsize: 30,
      hideCursor: true,
      clearOnComplete: true,
      // Redrawn when a new look at the job changes it, not on a timer of its own.
      noTTYOutput: false,
      fps: 10,
    });
  }

  show(view: ProgressView): void {
    if (this.#stopped) return;
    const payload = { phase: view.phase.padEnd(9), detail: view.detail };
    if (!this.#started) {
      this.#bar.start(view.total, view.value, payload);
      this.#started = true;
    } else {
      this.#bar.setTotal(view.total);
      this.#bar.update(view.value, payload);
    }
  }

  stop(): void {
    if (this.#started && !this.#stopped) this.#bar.stop();
    this.#stopped = true;
  }
}
