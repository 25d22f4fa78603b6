/** Timer functions, injectable for tests. */
interface HeartbeatTimers {
  setTimer: (callback: () => void, ms: number) => unknown;
  clearTimer: (handle: unknown) => void;
}

interface HeartbeatOptions extends Partial<HeartbeatTimers> {
  /** Sends one ping; resolves on the pong. */
  ping: () => Promise<unknown>;
  /** No pong within `timeoutMs`: the connection is presumed dead. The heartbeat stops itself after calling it. */
  onTimeout: () => void;
  /** A ping that failed outright (connection already lost); the heartbeat keeps going. */
  onPingError?: (error: unknown) => void;
  /** Pause between the pong and the next ping. */
  intervalMs?: number;
  timeoutMs?: number;
}

const DEFAULT_HEARTBEAT_INTERVAL_MS = 30_000;
const DEFAULT_HEARTBEAT_TIMEOUT_MS = 10_000;

/**
 * Pings every `intervalMs`; when a pong takes longer than `timeoutMs`, calls `onTimeout` once and stops.
 * One ping is in flight at a time. Returns the stop function.
 */
export function startHeartbeat(options: HeartbeatOptions): () => void {
  const intervalMs = options.intervalMs ?? DEFAULT_HEARTBEAT_INTERVAL_MS;
  const timeoutMs = options.timeoutMs ?? DEFAULT_HEARTBEAT_TIMEOUT_MS;
  const setTimer = options.setTimer ?? ((callback, ms) => setTimeout(callback, ms));
  const clearTimer = options.clearTimer ?? ((handle) => clearTimeout(handle as ReturnType<typeof setTimeout>));
  let stopped = false;
  let nextPing: unknown;
  let deadline: unknown;

  const stop = (): void => {
    stopped = true;
    if (nextPing !== undefined) clearTimer(nextPing);
    if (deadline !== undefined) clearTimer(deadline);
    nextPing = undefined;
    deadline = undefined;
  };

  const schedule = (): void => {
    if (!stopped) nextPing = setTimer(beat, intervalMs);
  };

  function beat(): void {
    nextPing = undefined;
    if (stopped) return;
    let settled = false;
    deadline = setTimer(() => {
      deadline = undefined;
      if (settled || stopped) return;
      stop();
      options.onTimeout();
    }, timeoutMs);
    const settle = (): boolean => {
      if (settled || stopped) return false;
      settled = true;
      if (deadline !== undefined) clearTimer(deadline);
      deadline = undefined;
      return true;
    };
    let pong: Promise<unknown>;
    try {
      pong = options.ping();
    } catch (error) {
      pong = Promise.reject(error);
    }
    pong.then(
      () => {
        if (settle()) schedule();
      },
      (error: unknown) => {
        if (!settle()) return;
        options.onPingError?.(error);
        schedule();
      },
    );
  }

  schedule();
  return stop;
}
