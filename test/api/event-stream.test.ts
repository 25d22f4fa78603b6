/** The event stream on its own: the bound on open streams, heartbeats, and stop() ending every stream. */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { EventStream } from '../../src/api/event-stream.js';
import { silentLogger } from '../../src/logging/logger.js';
import type { TrackerChange } from '../../src/tracker/model-performance-tracker.js';

let server: Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function serve(stream: EventStream): Promise<string> {
  server = createServer((req, res) => {
    if (!stream.open(req, res, {})) res.writeHead(503).end();
  });
  await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
}

async function readUntil(reader: ReadableStreamDefaultReader<string>, needle: string): Promise<string> {
  let text = '';
  while (!text.includes(needle)) {
    const { value, done } = await reader.read();
    if (done) throw new Error(`ended before ${needle}: ${text}`);
    text += value;
  }
  return text;
}

describe('EventStream', () => {
  it('refuses a stream past maxClients, sends heartbeats and changes, unsubscribes and ends every stream on stop()', async () => {
    const listeners = new Set<(change: TrackerChange) => void>();
    const stream = new EventStream({
      subscribe: (listener) => {
        listeners.add(listener);
        return () => listeners.delete(listener);
      },
      logger: silentLogger,
      maxClients: 2,
      heartbeatMs: 20,
    });
    stream.start();
    const url = await serve(stream);
    const first = await fetch(url);
    const second = await fetch(url);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect((await fetch(url)).status).toBe(503);
    expect(stream.clients).toBe(2);
    const reader = first.body!.pipeThrough(new TextDecoderStream()).getReader();
    await readUntil(reader, ': heartbeat');
    for (const listener of listeners) listener({ model_name: 'm', model_version: '1.0', kind: 'label' });
    expect(await readUntil(reader, '"kind":"label"')).toContain('event: change\ndata: {"model_name":"m","model_version":"1.0","kind":"label"}\n\n');
    stream.stop();
    expect(listeners.size).toBe(0);
    expect(stream.clients).toBe(0);
    while (!(await reader.read()).done);
    await second.body?.cancel();
  });
});
