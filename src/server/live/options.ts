/** Runs `tick` every `ms` until the returned function is called; tests inject one they tick by hand. */
export interface Ticker {
  every(ms: number, tick: () => void): () => void;
}

export const intervalTicker: Ticker = {
  every(ms, tick) {
    const timer = setInterval(tick, ms);
    timer.unref();
    return () => clearInterval(timer);
  },
};

export interface LiveOptions {
  /** How often an idle stream gets a `: keepalive` comment, so proxies and browsers keep it open. */
  keepaliveMs: number;
  /** What the stream tells browsers to wait before reconnecting (SSE `retry:`). */
  retryMs: number;
  /** Open streams this node serves at most; more are refused with 503 (try again, or another node). */
  maxStreams: number;
  /** Bytes a stream may have waiting for a slow reader before it is dropped (the browser resumes). */
  maxBufferedBytes: number;
  /** Missed events (or notifications) a reconnect replays at most; beyond, `event: reset`. */
  maxReplay: number;
  ticker: Ticker;
}

export const defaultLiveOptions: LiveOptions = {
  keepaliveMs: 15_000,
  retryMs: 2000,
  maxStreams: 1000,
  maxBufferedBytes: 1024 * 1024,
  maxReplay: 1000,
  ticker: intervalTicker,
};

/** The defaults with what a caller set, each number checked so a bad setting fails at start, saying which. */
export function liveOptions(given: Partial<LiveOptions> = {}): LiveOptions {
  const options = { ...defaultLiveOptions, ...given };
  for (const key of ['keepaliveMs', 'retryMs', 'maxStreams', 'maxBufferedBytes', 'maxReplay'] as const) {
    const value = options[key];
    if (!Number.isInteger(value) || value < 1) throw new Error(`live stream option ${key} must be a whole number above 0; got ${String(value)}`);
  }
  return options;
}
