import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { startHeartbeat } from '../../src/integration/heartbeat.js';

describe('startHeartbeat', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('pings every interval while pongs come back', async () => {
    const ping = vi.fn(() => Promise.resolve());
    const onTimeout = vi.fn();
    const stop = startHeartbeat({ ping, onTimeout, intervalMs: 1000, timeoutMs: 500 });
    expect(ping).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1000);
    expect(ping).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(3000);
    expect(ping).toHaveBeenCalledTimes(4);
    expect(onTimeout).not.toHaveBeenCalled();
    stop();
    expect(vi.getTimerCount()).toBe(0);
  });

  it('calls onTimeout once when no pong comes in time, then stops', async () => {
    const ping = vi.fn(() => new Promise<void>(() => {}));
    const onTimeout = vi.fn();
    startHeartbeat({ ping, onTimeout, intervalMs: 1000, timeoutMs: 500 });
    await vi.advanceTimersByTimeAsync(1499);
    expect(onTimeout).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(1);
    expect(onTimeout).toHaveBeenCalledTimes(1);
    await vi.advanceTimersByTimeAsync(10_000);
    expect(ping).toHaveBeenCalledTimes(1);
    expect(vi.getTimerCount()).toBe(0);
  });

  it('does not time out on a late pong that still beats the deadline', async () => {
    const onTimeout = vi.fn();
    const ping = vi.fn(() => new Promise<void>((resolve) => setTimeout(resolve, 400)));
    const stop = startHeartbeat({ ping, onTimeout, intervalMs: 1000, timeoutMs: 500 });
    await vi.advanceTimersByTimeAsync(5000);
    expect(onTimeout).not.toHaveBeenCalled();
    stop();
  });

  it('reports a failed ping and keeps going', async () => {
    const onPingError = vi.fn();
    const onTimeout = vi.fn();
    const ping = vi.fn(() => Promise.reject(new Error('lost')));
    const stop = startHeartbeat({ ping, onTimeout, onPingError, intervalMs: 100, timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(350);
    expect(onPingError).toHaveBeenCalledTimes(3);
    expect(onTimeout).not.toHaveBeenCalled();
    stop();
  });

  it('stops between pings and while a ping is pending, leaving no timer', async () => {
    const stopIdle = startHeartbeat({ ping: () => Promise.resolve(), onTimeout: () => {}, intervalMs: 100 });
    stopIdle();
    expect(vi.getTimerCount()).toBe(0);
    const onTimeout = vi.fn();
    const stopPending = startHeartbeat({ ping: () => new Promise(() => {}), onTimeout, intervalMs: 100, timeoutMs: 50 });
    await vi.advanceTimersByTimeAsync(120);
    stopPending();
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(1000);
    expect(onTimeout).not.toHaveBeenCalled();
  });

  it('uses injected timer functions', () => {
    const setTimer = vi.fn((_callback: () => void, _ms: number) => 7);
    const clearTimer = vi.fn();
    const stop = startHeartbeat({ ping: () => Promise.resolve(), onTimeout: () => {}, setTimer, clearTimer });
    expect(setTimer).toHaveBeenCalledWith(expect.any(Function), 30_000);
    stop();
    expect(clearTimer).toHaveBeenCalledWith(7);
  });
});
