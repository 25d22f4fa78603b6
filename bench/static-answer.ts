/**
 * The query floor: a Node http server that answers every request with the same bytes, as a
 * yardstick for the service's query latency (what the client, Node's HTTP stack, the JIT warming
 * up and this machine cost with no work behind the answer).
 * `node --import tsx bench/static-answer.ts <file>`: reads <file> once, listens on 127.0.0.1 (free
 * port; prints "listening http://127.0.0.1:<port>" on stdout) and answers 200 application/json
 * with the file's bytes. SIGTERM: close, exit 0.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const path = process.argv[2];
if (!path) throw new Error('usage: static-answer.ts <file>');
const body = readFileSync(path);
const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => res.writeHead(200, { 'Content-Type': 'application/json', 'Content-Length': body.length }).end(body));
});
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`listening http://127.0.0.1:${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
