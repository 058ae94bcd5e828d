import type { RegionTarget } from '../../../src/clouds/driver.js';

interface Held {
  method: string;
  region: string;
  args: readonly unknown[];
  release(): void;
}

/**
 * Holds driver calls until the test lets them go: what is held at a moment is what runs at once.
 * `hook` goes into a MemoryCloud; methods not named pass straight through.
 */
export class Gate {
  readonly held: Held[] = [];
  readonly entered: Array<Omit<Held, 'release'>> = [];
  /** The most calls held at once, in all and by `keyOf` (what runs in the driver at once). */
  peak = 0;
  readonly peakByKey = new Map<string, number>();
  #watchers: Array<() => void> = [];
  #open = false;

  constructor(
    private readonly methods: readonly string[],
    private readonly keyOf: (args: readonly unknown[]) => string = () => '',
  ) {}

  hook = async (method: string, region: RegionTarget, args: readonly unknown[]): Promise<void> => {
    if (!this.methods.includes(method)) return;
    this.entered.push({ method, region: region.name, args });
    if (this.#open) return;
    await new Promise<void>((release) => {
      this.held.push({ method, region: region.name, args, release });
      this.peak = Math.max(this.peak, this.held.length);
      const key = this.keyOf(args);
      const same = this.held.filter((held) => this.keyOf(held.args) === key).length;
      this.peakByKey.set(key, Math.max(this.peakByKey.get(key) ?? 0, same));
      for (const watcher of this.#watchers.splice(0)) watcher();
    });
  };

  /** Resolves once `count` calls are held. */
  async holding(count: number): Promise<void> {
    while (this.held.length < count) await new Promise<void>((resolve) => this.#watchers.push(resolve));
  }

  releaseAll(): void {
    for (const held of this.held.splice(0)) held.release();
  }

  release(predicate: (held: Held) => boolean): number {
    const chosen = this.held.filter(predicate);
    for (const held of chosen) {
      this.held.splice(this.held.indexOf(held), 1);
      held.release();
    }
    return chosen.length;
  }

  /** Lets every later call through. */
  open(): void {
    this.#open = true;
    this.releaseAll();
  }
}
