#!/usr/bin/env python3
"""A group-committing SQLite WAL ingest server: what a user would reach for instead (Home
Assistant's recorder keeps its states in SQLite). Standard library only (Python 3.11).

    python3 bench/sqlite-sink.py <database file>

Listens on 127.0.0.1 (a free port; prints "listening http://127.0.0.1:<port>" on stdout). Each
POST body is parsed as JSON and inserted as one row (model, version, timestamp and the JSON text,
with an index on model, version and timestamp, as a query would need); 201 is answered after the
COMMIT that covers the row. journal_mode=WAL, synchronous=FULL: a commit fsyncs the WAL, so an
acknowledged row is durable. Group commit: rows that arrive while a transaction is committing go
in the next one (one transaction per group of pending requests). A body that is not JSON gets 400
and is not written. GET answers the stored row count. SIGTERM: stop, checkpoint-free close, exit 0.
"""
import asyncio
import json
import signal
import sqlite3
import sys
import time

SCHEMA = """
CREATE TABLE IF NOT EXISTS predictions (
  id INTEGER PRIMARY KEY,
  model_name TEXT NOT NULL,
  model_version TEXT,
  timestamp REAL NOT NULL,
  body TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS predictions_model_time ON predictions (model_name, model_version, timestamp);
"""


class Sink:
    def __init__(self, path):
        # check_same_thread=False: the connection is used by one worker thread at a time (the committer).
        self.db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        self.db.execute("PRAGMA journal_mode=WAL")
        self.db.execute("PRAGMA synchronous=FULL")
        self.db.executescript(SCHEMA)
        self.pending = []
        self.committing = False
        self.stored = self.db.execute("SELECT count(*) FROM predictions").fetchone()[0]

    def _commit(self, rows):
        self.db.execute("BEGIN")
        try:
            self.db.executemany("INSERT INTO predictions (model_name, model_version, timestamp, body) VALUES (?, ?, ?, ?)", rows)
            self.db.execute("COMMIT")
        except BaseException:
            self.db.execute("ROLLBACK")
            raise

    async def add(self, row):
        future = asyncio.get_running_loop().create_future()
        self.pending.append((row, future))
        if not self.committing:
            # Set before the task runs, so the next request does not start a second committer.
            self.committing = True
            asyncio.get_running_loop().create_task(self._flush())
        return await future

    async def _flush(self):
        loop = asyncio.get_running_loop()
        try:
            while self.pending:
                batch, self.pending = self.pending, []
                try:
                    await loop.run_in_executor(None, self._commit, [row for row, _ in batch])
                    self.stored += len(batch)
                    for _, future in batch:
                        future.set_result(None)
                except Exception as error:  # noqa: BLE001 - every waiter gets the failure
                    for _, future in batch:
                        future.set_exception(error)
        finally:
            self.committing = False


def response(status, reason, body):
    payload = json.dumps(body).encode()
    head = f"HTTP/1.1 {status} {reason}\r\nContent-Type: application/json\r\nContent-Length: {len(payload)}\r\nConnection: keep-alive\r\n\r\n"
    return head.encode() + payload


async def serve(sink, reader, writer):
    try:
        while True:
            request_line = await reader.readline()
            if not request_line:
                break
            method = request_line.split(b" ", 1)[0]
            length = 0
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b"\n", b""):
                    break
                name, _, value = line.partition(b":")
                if name.strip().lower() == b"content-length":
                    length = int(value.strip())
            body = await reader.readexactly(length) if length else b""
            if method == b"GET":
                writer.write(response(200, "OK", {"stored": sink.stored}))
            else:
                try:
                    data = json.loads(body)
                    row = (str(data["model_name"]), data.get("model_version"), time.time(), json.dumps(data))
                except (ValueError, KeyError, TypeError):
                    writer.write(response(400, "Bad Request", {"error": "the body is not a JSON prediction"}))
                    await writer.drain()
                    continue
                try:
                    await sink.add(row)
                    writer.write(response(201, "Created", {"stored": True}))
                except sqlite3.Error as error:
                    writer.write(response(503, "Service Unavailable", {"error": str(error)}))
            await writer.drain()
    except (ConnectionError, asyncio.IncompleteReadError):
        pass
    finally:
        writer.close()


async def main():
    if len(sys.argv) != 2:
        sys.exit("usage: sqlite-sink.py <database file>")
    sink = Sink(sys.argv[1])
    server = await asyncio.start_server(lambda r, w: serve(sink, r, w), "127.0.0.1", 0, backlog=256)
    port = server.sockets[0].getsockname()[1]
    print(f"listening http://127.0.0.1:{port}", flush=True)
    stop = asyncio.Event()
    asyncio.get_running_loop().add_signal_handler(signal.SIGTERM, stop.set)
    async with server:
        await stop.wait()
    sink.db.close()


if __name__ == "__main__":
    asyncio.run(main())
