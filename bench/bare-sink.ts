/**
 * The bare sink: the least an HTTP ingest server can do durably, as a yardstick for the service.
 * `node --import tsx bench/bare-sink.ts <file>`: listens on 127.0.0.1 (free port; prints
 * "listening http://127.0.0.1:<port>" on stdout), and for each POST parses the JSON body, appends
 * it as one line to <file>, and answers 201 once the fdatasync that covers the line returned.
 * Group commit: lines that arrive while a write + fdatasync is under way go in the next one.
 * A body that is not JSON gets 400 and is not written. SIGTERM: stop, close, exit 0.
 */
import { open, type FileHandle } from 'node:fs/promises';
import { dirname } from 'node:path';
import { createServer, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

interface Pending {
  line: string;
  res: ServerResponse;
}

function answer(res: ServerResponse, status: number, body: unknown): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(payload) }).end(payload);
}

async function main(): Promise<void> {
  const path = process.argv[2];
  if (!path) throw new Error('usage: bare-sink.ts <file>');
  const file: FileHandle = await open(path, 'a');
  // The file is new: make its directory entry durable once, as the service does for a new file.
  const dir = await open(dirname(path), 'r');
  await dir.sync();
  await dir.close();

  let queue: Pending[] = [];
  let flushing = false;
  let stored = 0;
  const flush = async (): Promise<void> => {
    flushing = true;
    while (queue.length > 0) {
      const batch = queue;
      queue = [];
      try {
        await file.write(batch.map((entry) => entry.line).join(''));
        await file.datasync();
        stored += batch.length;
        for (const entry of batch) answer(entry.res, 201, { stored: true });
      } catch (error) {
        for (const entry of batch) answer(entry.res, 503, { error: error instanceof Error ? error.message : String(error) });
      }
    }
    flushing = false;
  };

  const server = createServer({ keepAlive: true }, (req, res) => {
    if (req.method === 'GET') {
      answer(res, 200, { stored });
      return;
    }
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      let body: unknown;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      } catch {
        answer(res, 400, { error: 'the body is not JSON' });
        return;
      }
      queue.push({ line: `${JSON.stringify(body)}\n`, res });
      if (!flushing) void flush();
    });
  });
  server.keepAliveTimeout = 5000;
  server.listen(0, '127.0.0.1', () => {
    process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
  });
  process.once('SIGTERM', () => {
    server.close();
    server.closeAllConnections();
    void file.close().then(() => process.exit(0));
  });
}

main().catch((error: unknown) => {
  process.stderr.write(`bare-sink: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});
