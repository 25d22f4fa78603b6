import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  HubAuthError,
  HubConnectionLostError,
  HubError,
  HubRequestError,
  HubStoppedError,
} from '../../src/integration/errors.js';
import { HubConnection, type HubConnectionOptions, type ReadyInfo } from '../../src/integration/hub-connection.js';
import { resolveHubEndpoint, type HubEndpoint } from '../../src/integration/hub-endpoint.js';
import type { HubEvent } from '../../src/integration/hub-schemas.js';
import { FakeHub, reserveFreePort, waitFor } from '../fakes/fake-hub.js';
import { recordingLogger, type RecordingLogger } from '../support/recording-logger.js';

const FAST_RETRY = { initialDelayMs: 20, maxDelayMs: 200, factor: 2 };
const WAIT = 10_000;

function endpointFor(url: string, token = 'test-token'): HubEndpoint {
  const endpoint = resolveHubEndpoint({ HA_URL: url, HA_TOKEN: token });
  if (!endpoint) throw new Error('no endpoint');
  return endpoint;
}


/** Names of the active timers (Timeout) and sockets, to check that stop() leaves nothing behind. */
function activeTimers(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'Timeout').length;
}

describe('HubConnection against the fake hub', () => {
  let hub: FakeHub;
  let connections: HubConnection[];
  let lines: string[];
  let logger: RecordingLogger;

  const connect = (options: Partial<HubConnectionOptions> = {}): HubConnection => {
    const connection = new HubConnection({
      endpoint: endpointFor(hub.url),
      logger,
      retry: FAST_RETRY,
      heartbeat: false,
      ...options,
    });
    connections.push(connection);
    return connection;
  };

  beforeEach(async () => {
    hub = await FakeHub.start({ tokens: ['test-token', 'other-token'] });
    connections = [];
    logger = recordingLogger('integration');
    ({ lines } = logger);
  });

  afterEach(async () => {
    await Promise.all(connections.map((connection) => connection.stop()));
    await hub.close();
  });

  it('connects, authenticates and asks for coalesced messages', async () => {
    const connection = connect();
    const ready: ReadyInfo[] = [];
    connection.onReady((info) => {
      ready.push(info);
    });
    await connection.start();
    expect(connection.connected).toBe(true);
    expect(hub.authOkCount).toBe(1);
    await waitFor(() => ready.length === 1, WAIT, 'ready');
    expect(ready).toEqual([{ haVersion: '2024.3.3', reconnected: false }]);
    await waitFor(() => hub.receivedMessages.length > 0, WAIT, 'supported_features');
    expect(hub.receivedMessages[0]).toEqual({ id: 1, type: 'supported_features', features: { coalesce_messages: 1 } });
    await connection.ping();
  });

  it('rejects an invalid token with HubAuthError at once, with no retry loop', async () => {
    const connection = connect({ endpoint: endpointFor(hub.url, 'wrong-token') });
    const failure = await connection.start().catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HubAuthError);
    expect((failure as Error).message).toMatch(/HA_TOKEN/);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.connectionCount).toBe(1);
    expect(hub.authInvalidCount).toBe(1);
    await expect(connection.subscribeEvents(['x'], () => {})).rejects.toBeInstanceOf(HubAuthError);
  });

  it('retries the first connection until the hub starts listening', async () => {
    const port = await reserveFreePort();
    const url = `http://127.0.0.1:${port}`;
    const connection = connect({ endpoint: endpointFor(url) });
    const started = connection.start();
    await waitFor(() => lines.filter((line) => line.includes('retrying')).length >= 3, WAIT, 'three retries');
    expect(lines.find((line) => line.includes('retrying'))).toMatch(/ECONNREFUSED.*HA_URL/);
    const late = await FakeHub.start({ port });
    try {
      await started;
      expect(connection.connected).toBe(true);
      expect(late.authOkCount).toBe(1);
    } finally {
      await connection.stop();
      await late.close();
    }
  });

  it('subscribes only to the given event types and delivers their events', async () => {
    const connection = connect();
    await connection.start();
    const events: HubEvent[] = [];
    await connection.subscribeEvents(['ml_prediction', 'ml_feedback'], (event) => {
      events.push(event);
    });
    expect(hub.subscribeLog.map((s) => s.eventType)).toEqual(['ml_prediction', 'ml_feedback']);
    const prediction = hub.fireEvent('ml_prediction', { model: 'presence', value: true });
    hub.fireEvent('state_changed', { entity_id: 'light.x' });
    hub.fireEvent('ml_feedback', { correct: true }, { parentId: prediction.id });
    await waitFor(() => events.length === 2, WAIT, 'two events');
    expect(events.map((e) => [e.event_type, e.context.parent_id])).toEqual([
      ['ml_prediction', null],
      ['ml_feedback', prediction.id],
    ]);
    expect(events[0]?.data).toEqual({ model: 'presence', value: true });
    expect(hub.everSubscribedToAll).toBe(false);
    await expect(connection.subscribeEvents([], () => {})).rejects.toBeInstanceOf(HubError);
    expect(hub.everSubscribedToAll).toBe(false);
  });

  it('unsubscribes from every type it subscribed to', async () => {
    const connection = connect();
    await connection.start();
    const unsubscribe = await connection.subscribeEvents(['a', 'b'], () => {});
    expect(hub.activeSubscriptions('a') + hub.activeSubscriptions('b')).toBe(2);
    await unsubscribe();
    expect(hub.activeSubscriptions('a') + hub.activeSubscriptions('b')).toBe(0);
  });

  it('waits for the connection when subscribing before start', async () => {
    const connection = connect();
    const events: HubEvent[] = [];
    const subscribed = connection.subscribeEvents(['early'], (event) => {
      events.push(event);
    });
    await connection.start();
    await subscribed;
    hub.fireEvent('early', {});
    await waitFor(() => events.length === 1, WAIT, 'event');
  });

  it('reconnects after a drop, re-subscribes, and calls onReady again', async () => {
    const connection = connect();
    const ready: ReadyInfo[] = [];
    connection.onReady((info) => {
      ready.push(info);
    });
    await connection.start();
    const events: HubEvent[] = [];
    const unsubscribe = await connection.subscribeEvents(['ml_prediction'], (event) => {
      events.push(event);
    });
    hub.dropConnections();
    await waitFor(() => ready.length === 2, WAIT, 'second ready');
    expect(ready[1]).toEqual({ haVersion: '2024.3.3', reconnected: true });
    // The library re-subscribes by itself, with one subscribe per type again.
    await waitFor(() => hub.activeSubscriptions('ml_prediction') === 1, WAIT, 're-subscription');
    expect(hub.subscribeLog.map((s) => s.eventType)).toEqual(['ml_prediction', 'ml_prediction']);
    hub.fireEvent('ml_prediction', { n: 1 });
    await waitFor(() => events.length === 1, WAIT, 'event after reconnect');
    // The unsubscribe function follows the new subscription id.
    await unsubscribe();
    expect(hub.activeSubscriptions('ml_prediction')).toBe(0);
    expect(hub.everSubscribedToAll).toBe(false);
    expect(lines.some((line) => line.includes('reconnected to Home Assistant'))).toBe(true);
  });

  it('fails commands in flight or sent while disconnected with HubConnectionLostError', async () => {
    const connection = connect();
    await connection.start();
    hub.setSilent(true);
    const inFlight = connection.fireEvent('x', {});
    hub.dropConnections();
    await expect(inFlight).rejects.toBeInstanceOf(HubConnectionLostError);
    if (!connection.connected) await expect(connection.ping()).rejects.toBeInstanceOf(HubConnectionLostError);
  });

  it('calls onReady again after a hub restart, so sensors can be re-posted', async () => {
    const connection = connect();
    let readyCount = 0;
    connection.onReady(async () => {
      readyCount++;
      await connection.postState('sensor.model_accuracy', '0.91', { unit_of_measurement: '%' });
    });
    await connection.start();
    await waitFor(() => hub.getState('sensor.model_accuracy') !== undefined, WAIT, 'first post');
    await hub.restart({ downMs: 300 });
    expect(hub.getState('sensor.model_accuracy')).toBeUndefined();
    await waitFor(() => readyCount === 2, WAIT, 'ready after restart');
    await waitFor(() => hub.getState('sensor.model_accuracy') !== undefined, WAIT, 're-post');
    expect(hub.statePosts.map((p) => p.status)).toEqual([201, 201]);
  });

  it('forces a reconnect when a silent (half-open) socket stops answering pings', async () => {
    const connection = connect({ heartbeat: { intervalMs: 50, timeoutMs: 100 } });
    const ready: ReadyInfo[] = [];
    connection.onReady((info) => {
      ready.push(info);
    });
    await connection.start();
    const events: HubEvent[] = [];
    await connection.subscribeEvents(['ml_prediction'], (event) => {
      events.push(event);
    });
    await waitFor(() => hub.receivedMessages.some((m) => m.type === 'ping'), WAIT, 'a heartbeat ping');
    hub.setSilent(true);
    await waitFor(() => ready.length === 2, WAIT, 'reconnect by heartbeat');
    expect(hub.authOkCount).toBe(2);
    expect(lines.some((line) => line.includes('did not answer a ping'))).toBe(true);
    await waitFor(() => hub.subscribeLog.length === 2, WAIT, 're-subscription');
    // Both the silent session and the new one hold a subscription; only the new one delivers.
    hub.fireEvent('ml_prediction', {});
    await waitFor(() => events.length === 1, WAIT, 'event on the new socket');
  });

  it('reports a revoked token on reconnect through onFatal, and stops reconnecting', async () => {
    const connection = connect({ endpoint: endpointFor(hub.url, 'other-token') });
    const fatal: HubError[] = [];
    connection.onFatal((error) => fatal.push(error));
    await connection.start();
    hub.revokeToken('other-token');
    hub.dropConnections();
    await waitFor(() => fatal.length === 1, WAIT, 'fatal error');
    expect(fatal[0]).toBeInstanceOf(HubAuthError);
    expect(fatal[0]?.message).toMatch(/rejected the access token/);
    const attempts = hub.connectionCount;
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(hub.connectionCount).toBe(attempts);
    expect(connection.connected).toBe(false);
    await expect(connection.ping()).rejects.toBeInstanceOf(HubAuthError);
  });

  it('logs and drops malformed frames and keeps working', async () => {
    const connection = connect();
    await connection.start();
    const events: HubEvent[] = [];
    await connection.subscribeEvents(['ml_prediction'], (event) => {
      events.push(event);
    });
    const subscriptionId = hub.subscribeLog[0]?.subscriptionId;
    hub.sendRawFrame('{not json');
    hub.sendRawFrame('null');
    hub.sendRawFrame('"a string"');
    hub.sendRawFrame('[null, 1, {"no_type": true}]');
    hub.sendRawFrame(JSON.stringify({ id: subscriptionId, type: 'event', event: { surprise: true } }));
    hub.sendRawFrame(JSON.stringify({ id: subscriptionId, type: 'event' }));
    hub.fireEvent('ml_prediction', { ok: true });
    await waitFor(() => events.length === 1, WAIT, 'the valid event');
    expect(events[0]?.data).toEqual({ ok: true });
    await connection.ping();
    expect(connection.connected).toBe(true);
    expect(lines.filter((line) => line.includes('not a JSON message')).length).toBe(3);
    expect(lines.some((line) => line.includes('dropped malformed messages from a batch'))).toBe(true);
    expect(lines.filter((line) => line.includes('dropped a malformed event')).length).toBe(2);
  });

  it('keeps delivering when a handler throws', async () => {
    const connection = connect();
    await connection.start();
    let calls = 0;
    await connection.subscribeEvents(['boom'], () => {
      calls++;
      throw new Error('handler bug');
    });
    hub.fireEvent('boom', {});
    hub.fireEvent('boom', {});
    await waitFor(() => calls === 2, WAIT, 'two calls');
    expect(lines.filter((line) => line.includes('handler bug')).length).toBe(2);
    await connection.ping();
  });

  it('posts a state: 201 when new, 200 when updated', async () => {
    const connection = connect();
    const first = await connection.postState('sensor.model_accuracy', '0.9', { unit_of_measurement: '%', state_class: 'measurement' });
    expect(first.created).toBe(true);
    expect(first.state).toMatchObject({ entity_id: 'sensor.model_accuracy', state: '0.9' });
    const second = await connection.postState('sensor.model_accuracy', '0.8', { unit_of_measurement: '%' });
    expect(second.created).toBe(false);
    expect(hub.statePosts.map((p) => p.status)).toEqual([201, 200]);
    expect(hub.getState('sensor.model_accuracy')?.state).toBe('0.8');
  });

  it('throws HubRequestError with the status for a refused token or a bad state', async () => {
    const connection = connect({ endpoint: endpointFor(hub.url, 'bad-token') });
    const failure = await connection.postState('sensor.x', '1').catch((error: unknown) => error);
    expect(failure).toBeInstanceOf(HubRequestError);
    expect((failure as HubRequestError).status).toBe(401);
    expect((failure as Error).message).toMatch(/HA_TOKEN/);
    const good = connect();
    await expect(good.postState('sensor.x', 'x'.repeat(256))).rejects.toMatchObject({ status: 400 });
  });

  it('fires events on the hub bus over the websocket', async () => {
    const connection = connect();
    await connection.start();
    const context = await connection.fireEvent('ml_feedback', { correct: false });
    expect(context.id).toMatch(/^[0-9A-Z]{26}$/);
    expect(hub.firedEvents).toEqual([
      expect.objectContaining({ event_type: 'ml_feedback', data: { correct: false }, origin: 'REMOTE', context }),
    ]);
  });

  it('stop() closes the socket and leaves no timers, also mid-retry and mid-reconnect', async () => {
    const baseline = activeTimers();
    const connection = connect({ heartbeat: { intervalMs: 50, timeoutMs: 100 } });
    await connection.start();
    await connection.subscribeEvents(['x'], () => {});
    await waitFor(() => hub.receivedMessages.some((m) => m.type === 'ping'), WAIT, 'a ping');
    await connection.stop();
    await waitFor(() => hub.authenticatedConnections === 0, WAIT, 'socket closed on the hub');
    expect(connection.connected).toBe(false);
    await expect(connection.ping()).rejects.toBeInstanceOf(HubStoppedError);

    // Stopped while the first connection is still being retried.
    const port = await reserveFreePort();
    const retrying = connect({ endpoint: endpointFor(`http://127.0.0.1:${port}`) });
    const started = retrying.start();
    await waitFor(() => lines.some((line) => line.includes('retrying')), WAIT, 'a retry');
    await retrying.stop();
    await expect(started).rejects.toBeInstanceOf(HubStoppedError);

    // Stopped while reconnecting to a hub that is down.
    const reconnecting = connect();
    await reconnecting.start();
    const restart = hub.restart({ downMs: 400 });
    await waitFor(() => !reconnecting.connected, WAIT, 'disconnect');
    await new Promise((resolve) => setTimeout(resolve, 100));
    await reconnecting.stop();
    await restart;

    await waitFor(() => activeTimers() <= baseline, WAIT, `no timers left (baseline ${baseline})`);
    expect(hub.authenticatedConnections).toBe(0);
  });
});
