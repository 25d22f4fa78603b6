import type { HubPort } from '../../src/sensors/hub-port.js';

/** The port the sensors talk to, recording what the hub accepted; `failPosts`/`failEvents` make it reject. */
export class RecordingHubPort implements HubPort {
  readonly posts: { entityId: string; state: string; attributes: Record<string, unknown> }[] = [];
  readonly events: { eventType: string; data: Record<string, unknown> }[] = [];
  attempts = { posts: 0, events: 0 };
  failPosts = false;
  failEvents = false;

  async postState(entityId: string, state: string, attributes: Record<string, unknown>): Promise<void> {
    this.attempts.posts += 1;
    if (this.failPosts) throw new Error('Cannot post: connect ECONNREFUSED 127.0.0.1:8123');
    this.posts.push({ entityId, state, attributes });
  }

  async fireEvent(eventType: string, data: Record<string, unknown>): Promise<void> {
    this.attempts.events += 1;
    if (this.failEvents) throw new Error('not connected to Home Assistant');
    this.events.push({ eventType, data });
  }

  latest(entityId: string): { state: string; attributes: Record<string, unknown> } | undefined {
    return this.posts.filter((post) => post.entityId === entityId).at(-1);
  }
}
