/** One server-sent event: its `event:` name (default "message") and `data:` lines joined. */
export interface SseEvent {
  event: string;
  data: string;
}

/**
 * Incremental parser of a `text/event-stream`: feed it chunks as they arrive, get the complete
 * events back. Comments (`: heartbeat`) and `retry:`/`id:` lines are skipped. Pure: no DOM.
 */
export class SseParser {
  #buffer = '';

  push(chunk: string): SseEvent[] {
    this.#buffer += chunk.replace(/\r\n?/g, '\n');
    const events: SseEvent[] = [];
    let end = this.#buffer.indexOf('\n\n');
    while (end !== -1) {
      const block = this.#buffer.slice(0, end);
      this.#buffer = this.#buffer.slice(end + 2);
      let event = 'message';
      const data: string[] = [];
      for (const line of block.split('\n')) {
        if (line.startsWith(':')) continue;
        const colon = line.indexOf(':');
        const field = colon === -1 ? line : line.slice(0, colon);
        const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '');
        if (field === 'event') event = value;
        else if (field === 'data') data.push(value);
      }
      if (data.length > 0) events.push({ event, data: data.join('\n') });
      end = this.#buffer.indexOf('\n\n');
    }
    return events;
  }
}
