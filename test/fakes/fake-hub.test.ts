import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { FakeHub, reserveFreePort, waitFor } from './fake-hub.js';

/** A bare protocol client: every frame as received, and messages flattened out of arrays. */
class RawClient {
  readonly frames: string[] = [];
  readonly messages: Record<string, unknown>[] = [];
  closed = false;
  private nextId = 1;

  private constructor(readonly socket: WebSocket) {
    socket.on('message', (data) => {
      const text = data.toString();
      this.frames.push(text);
      const parsed = JSON.parse(text) as unknown;
      for (const m of Array.isArray(parsed) ? parsed : [parsed]) this.messages.push(m as Record<string, unknown>);
    });
    socket.on('close', () => {
      this.closed = true;
    });
    socket.on('error', () => {});
  }

  static async open(hub: FakeHub): Promise<RawClient> {
    const socket = new WebSocket(hub.websocketUrl);
    const client = new RawClient(socket);
    await new Promise<void>((resolve, reject) => {
      socket.once('open', () => resolve());
      socket.once('error', reject);
    });
    await client.waitFor((m) => m.type === 'auth_required');
    return client;
  }

  static async authed(hub: FakeHub, token = 'test-token'): Promise<RawClient> {
    const client = await RawClient.open(hub);
    client.sendRaw({ type: 'auth', access_token: token });
    await client.waitFor((m) => m.type === 'auth_ok');
    return client;
  }

  sendRaw(message: unknown): void {
    this.socket.send(JSON.stringify(message));
  }

  /** Sends a command with the next id and waits for its answer. */
  async command(message: Record<string, unknown>): Promise<Record<string, unknown>> {
    const id = this.nextId++;
    this.sendRaw({ id, ...message });
    return this.waitFor((m) => m.id === id && (m.type === 'result' || m.type === 'pong'));
  }

  async waitFor(predicate: (m: Record<string, unknown>) => boolean): Promise<Record<string, unknown>> {
    await waitFor(() => this.messages.some(predicate), 5000, 'a message');
    const found = this.messages.find(predicate);
    if (!found) throw new Error('unreachable');
    return found;
  }

  close(): void {
    this.socket.terminate();
  }
}

const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

describe('FakeHub', () => {
  let hub: FakeHub;
  const clients: RawClient[] = [];
  const track = (client: RawClient): RawClient => {
    clients.push(client);
    return client;
  };

  beforeEach(async () => {
    hub = await FakeHub.start({ tokens: ['test-token', 'other-token'] });
  });

  afterEach(async () => {
    for (const client of clients.splice(0)) client.close();
    await hub.close();
  });

  describe('websocket auth', () => {
    it('asks for auth with its version and accepts a valid token', async () => {
      const client = track(await RawClient.open(hub));
      expect(client.messages[0]).toEqual({ type: 'auth_required', ha_version: '2024.3.3' });
      client.sendRaw({ type: 'auth', access_token: 'test-token' });
      expect(await client.waitFor((m) => m.type === 'auth_ok')).toEqual({ type: 'auth_ok', ha_version: '2024.3.3' });
      expect(hub.authOkCount).toBe(1);
    });

    it('answers auth_invalid with a message and closes for a bad token', async () => {
      const client = track(await RawClient.open(hub));
      client.sendRaw({ type: 'auth', access_token: 'nope' });
      const answer = await client.waitFor((m) => m.type === 'auth_invalid');
      expect(answer.message).toEqual(expect.any(String));
      await waitFor(() => client.closed, 5000, 'close');
    });

    it('refuses a revoked token on later auths', async () => {
      track(await RawClient.authed(hub, 'other-token'));
      hub.revokeToken('other-token');
      const client = track(await RawClient.open(hub));
      client.sendRaw({ type: 'auth', access_token: 'other-token' });
      await client.waitFor((m) => m.type === 'auth_invalid');
      expect(hub.authInvalidCount).toBe(1);
    });
  });

  describe('commands', () => {
    it('rejects a missing id, a reused id and an unknown command', async () => {
      const client = track(await RawClient.authed(hub));
      client.sendRaw({ type: 'ping' });
      const noId = await client.waitFor((m) => m.type === 'result');
      expect(noId).toMatchObject({ success: false, error: { code: 'invalid_format' } });
      client.sendRaw({ id: 5, type: 'ping' });
      await client.waitFor((m) => m.id === 5 && m.type === 'pong');
      client.sendRaw({ id: 5, type: 'ping' });
      const reused = await client.waitFor((m) => m.id === 5 && m.type === 'result');
      expect(reused).toMatchObject({ success: false, error: { code: 'id_reuse' } });
      client.sendRaw({ id: 6, type: 'no/such_command' });
      expect(await client.waitFor((m) => m.id === 6)).toMatchObject({
        type: 'result',
        success: false,
        error: { code: 'unknown_command', message: expect.any(String) },
      });
    });

    it('answers ping, get_config, get_states and records call_service', async () => {
      const client = track(await RawClient.authed(hub));
      expect(await client.command({ type: 'ping' })).toEqual({ id: 1, type: 'pong' });
      const config = await client.command({ type: 'get_config' });
      expect(config).toMatchObject({ success: true, result: { version: '2024.3.3' } });
      hub.setState('sensor.x', '1', { unit_of_measurement: '%' });
      const states = await client.command({ type: 'get_states' });
      expect(states.result).toEqual([expect.objectContaining({ entity_id: 'sensor.x', state: '1' })]);
      const call = await client.command({
        type: 'call_service',
        domain: 'input_boolean',
        service: 'turn_on',
        target: { entity_id: 'input_boolean.a' },
      });
      expect(call).toMatchObject({ success: true, result: { context: { id: expect.stringMatching(ULID) } } });
      expect(hub.serviceCalls).toEqual([
        { domain: 'input_boolean', service: 'turn_on', service_data: undefined, target: { entity_id: 'input_boolean.a' } },
      ]);
    });
  });

  describe('events', () => {
    it('delivers only the subscribed type, shaped as Home Assistant does, and records subscriptions', async () => {
      const client = track(await RawClient.authed(hub));
      const sub = await client.command({ type: 'subscribe_events', event_type: 'ml_prediction' });
      expect(sub).toEqual({ id: 1, type: 'result', success: true, result: null });
      hub.fireEvent('other_event', {});
      const context = hub.fireEvent('ml_prediction', { model: 'm' });
      const event = await client.waitFor((m) => m.type === 'event');
      expect(event).toEqual({
        id: 1,
        type: 'event',
        event: {
          event_type: 'ml_prediction',
          data: { model: 'm' },
          origin: 'LOCAL',
          time_fired: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}\+00:00$/),
          context: { id: context.id, parent_id: null, user_id: null },
        },
      });
      expect(context.id).toMatch(ULID);
      expect(client.messages.filter((m) => m.type === 'event')).toHaveLength(1);
      expect(hub.subscribeLog).toEqual([{ eventType: 'ml_prediction', subscriptionId: 1 }]);
      expect(hub.everSubscribedToAll).toBe(false);
      expect(hub.activeSubscriptions('ml_prediction')).toBe(1);
    });

    it('chains a feedback event to a prediction by parent_id', async () => {
      const prediction = hub.fireEvent('ml_prediction', {});
      const feedback = hub.fireEvent('ml_feedback', {}, { parentId: prediction.id, origin: 'REMOTE' });
      expect(feedback.parent_id).toBe(prediction.id);
      expect(hub.firedEvents.map((e) => [e.event_type, e.origin])).toEqual([
        ['ml_prediction', 'LOCAL'],
        ['ml_feedback', 'REMOTE'],
      ]);
    });

    it('records a subscription to every event, and unsubscribes', async () => {
      const client = track(await RawClient.authed(hub));
      await client.command({ type: 'subscribe_events' });
      expect(hub.everSubscribedToAll).toBe(true);
      expect(hub.activeSubscriptions('*')).toBe(1);
      expect(await client.command({ type: 'unsubscribe_events', subscription: 1 })).toMatchObject({ success: true });
      expect(hub.activeSubscriptions('*')).toBe(0);
      expect(await client.command({ type: 'unsubscribe_events', subscription: 1 })).toMatchObject({
        success: false,
        error: { code: 'not_found' },
      });
    });

    it('fire_event answers the context and reaches subscribers with origin REMOTE', async () => {
      const listener = track(await RawClient.authed(hub));
      await listener.command({ type: 'subscribe_events', event_type: 'ml_feedback' });
      const sender = track(await RawClient.authed(hub));
      const answer = await sender.command({ type: 'fire_event', event_type: 'ml_feedback', event_data: { ok: true } });
      expect(answer).toMatchObject({ success: true, result: { context: { id: expect.stringMatching(ULID), parent_id: null } } });
      const event = await listener.waitFor((m) => m.type === 'event');
      expect(event).toMatchObject({ event: { event_type: 'ml_feedback', data: { ok: true }, origin: 'REMOTE' } });
    });

    it('sends messages queued in one tick as a JSON array once coalesce_messages is on', async () => {
      const client = track(await RawClient.authed(hub));
      await client.command({ type: 'supported_features', features: { coalesce_messages: 1 } });
      await client.command({ type: 'subscribe_events', event_type: 'a' });
      const framesBefore = client.frames.length;
      hub.fireEvent('a', { n: 1 });
      hub.fireEvent('a', { n: 2 });
      await waitFor(() => client.messages.filter((m) => m.type === 'event').length === 2, 5000, 'two events');
      const frames = client.frames.slice(framesBefore);
      expect(frames).toHaveLength(1);
      expect(JSON.parse(frames[0] ?? '')).toHaveLength(2);
    });

    it('sends one object per frame without coalescing', async () => {
      const client = track(await RawClient.authed(hub));
      await client.command({ type: 'subscribe_events', event_type: 'a' });
      const framesBefore = client.frames.length;
      hub.fireEvent('a', { n: 1 });
      hub.fireEvent('a', { n: 2 });
      await waitFor(() => client.messages.filter((m) => m.type === 'event').length === 2, 5000, 'two events');
      expect(client.frames.slice(framesBefore).every((f) => !f.startsWith('['))).toBe(true);
    });
  });

  describe('REST', () => {
    const post = (path: string, body: string, token: string | null = 'test-token') =>
      fetch(`${hub.url}${path}`, {
        method: 'POST',
        headers: token === null ? {} : { authorization: `Bearer ${token}` },
        body,
      });

    it('refuses requests without or with a bad token', async () => {
      expect((await post('/api/states/sensor.a', '{"state":"1"}', null)).status).toBe(401);
      expect((await post('/api/states/sensor.a', '{"state":"1"}', 'bad')).status).toBe(401);
      expect((await fetch(`${hub.url}/api/`)).status).toBe(401);
      expect(hub.getState('sensor.a')).toBeUndefined();
    });

    it('creates a state with 201, updates with 200, and keeps a log of posts', async () => {
      const first = await post('/api/states/sensor.acc', JSON.stringify({ state: '0.9', attributes: { unit_of_measurement: '%' } }));
      expect(first.status).toBe(201);
      const created = (await first.json()) as Record<string, unknown>;
      expect(created).toMatchObject({
        entity_id: 'sensor.acc',
        state: '0.9',
        attributes: { unit_of_measurement: '%' },
        context: { id: expect.stringMatching(ULID) },
      });
      expect(created.last_changed).toEqual(created.last_updated);
      const second = await post('/api/states/sensor.acc', JSON.stringify({ state: '0.8' }));
      expect(second.status).toBe(200);
      expect(hub.statePosts.map((p) => [p.entityId, p.status])).toEqual([
        ['sensor.acc', 201],
        ['sensor.acc', 200],
      ]);
      const auth = { headers: { authorization: 'Bearer test-token' } };
      expect(await (await fetch(`${hub.url}/api/states/sensor.acc`, auth)).json()).toMatchObject({ state: '0.8' });
      expect(await (await fetch(`${hub.url}/api/states`, auth)).json()).toHaveLength(1);
      expect((await fetch(`${hub.url}/api/states/sensor.none`, auth)).status).toBe(404);
      expect(await (await fetch(`${hub.url}/api/`, auth)).json()).toEqual({ message: 'API running.' });
    });

    it('answers 400 to bad JSON, a missing state, a bad entity id and a state over 255 characters', async () => {
      expect((await post('/api/states/sensor.a', '{nope')).status).toBe(400);
      expect((await post('/api/states/sensor.a', '{"attributes":{}}')).status).toBe(400);
      expect((await post('/api/states/Sensor-A', '{"state":"1"}')).status).toBe(400);
      const long = await post('/api/states/sensor.a', JSON.stringify({ state: 'x'.repeat(256) }));
      expect(long.status).toBe(400);
      expect(await long.json()).toEqual({ message: 'Invalid state specified.' });
      expect((await post('/api/states/sensor.a', JSON.stringify({ state: 'x'.repeat(255) }))).status).toBe(201);
    });

    it('fires events posted to /api/events', async () => {
      const client = track(await RawClient.authed(hub));
      await client.command({ type: 'subscribe_events', event_type: 'ml_label' });
      const res = await post('/api/events/ml_label', '{"label":true}');
      expect(await res.json()).toEqual({ message: 'Event ml_label fired.' });
      expect(await client.waitFor((m) => m.type === 'event')).toMatchObject({
        event: { event_type: 'ml_label', data: { label: true }, origin: 'REMOTE' },
      });
    });

    it('delays state posts when asked', async () => {
      hub.setStatePostDelay(150);
      const started = Date.now();
      expect((await post('/api/states/sensor.a', '{"state":"1"}')).status).toBe(201);
      expect(Date.now() - started).toBeGreaterThanOrEqual(140);
    });
  });

  describe('faults', () => {
    it('drops every connection', async () => {
      const client = track(await RawClient.authed(hub));
      hub.dropConnections();
      await waitFor(() => client.closed, 5000, 'close');
      expect(hub.authenticatedConnections).toBe(0);
    });

    it('forgets states on restart and refuses connections while down', async () => {
      hub.setState('sensor.a', '1');
      const client = track(await RawClient.authed(hub));
      const restarting = hub.restart({ downMs: 300 });
      await waitFor(() => client.closed, 5000, 'close');
      await expect(RawClient.open(hub)).rejects.toThrow(/ECONNREFUSED/);
      await restarting;
      expect(hub.getState('sensor.a')).toBeUndefined();
      track(await RawClient.authed(hub));
    });

    it('goes silent on open sockets, answering nothing, until told otherwise', async () => {
      const client = track(await RawClient.authed(hub));
      hub.setSilent(true);
      client.sendRaw({ id: 1, type: 'ping' });
      await new Promise((resolve) => setTimeout(resolve, 100));
      expect(client.messages.some((m) => m.type === 'pong')).toBe(false);
      const fresh = track(await RawClient.authed(hub));
      expect(await fresh.command({ type: 'ping' })).toMatchObject({ type: 'pong' });
      hub.setSilent(false);
      client.sendRaw({ id: 2, type: 'ping' });
      await client.waitFor((m) => m.id === 2 && m.type === 'pong');
    });

    it('sends raw frames as given', async () => {
      const client = track(await RawClient.authed(hub));
      const frames: string[] = [];
      client.socket.removeAllListeners('message');
      client.socket.on('message', (data) => frames.push(data.toString()));
      hub.sendRawFrame('{not json');
      await waitFor(() => frames.length === 1, 5000, 'raw frame');
      expect(frames).toEqual(['{not json']);
    });

    it('starts on a port reserved in advance', async () => {
      const port = await reserveFreePort();
      const late = await FakeHub.start({ port });
      expect(late.port).toBe(port);
      await late.close();
    });
  });
});
