import { authHeaders, EVENTS_URL } from './api.js';
import { SseParser } from './sse-parser.js';

export interface Change {
  model_name: string;
  model_version: string;
  kind: 'prediction' | 'label';
}

/**
 * Follows the service's event stream (fetch, so the bearer token can be sent), calling `onChange`
 * for each stored prediction or label and `onStatus` as the connection comes and goes; reconnects
 * after 2 s. Returns the stop function.
 */
export function followChanges(onChange: (change: Change) => void, onStatus: (connected: boolean) => void): () => void {
  let stopped = false;
  let controller: AbortController | null = null;
  let timer: number | undefined;

  const connect = async (): Promise<void> => {
    controller = new AbortController();
    const parser = new SseParser();
    try {
      const response = await fetch(EVENTS_URL, { headers: { accept: 'text/event-stream', ...authHeaders() }, signal: controller.signal });
      if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
      onStatus(true);
      const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        for (const event of parser.push(value)) {
          if (event.event === 'change') onChange(JSON.parse(event.data) as Change);
        }
      }
    } catch {
      // Dropped or refused: shown as "reconnecting", retried below.
    }
    onStatus(false);
    if (!stopped) timer = window.setTimeout(() => void connect(), 2000);
  };
  void connect();
  return () => {
    stopped = true;
    window.clearTimeout(timer);
    controller?.abort();
  };
}

/** Calls `run` once, `waitMs` after the last of a burst of calls. */
export function debounce(run: () => void, waitMs: number): () => void {
  let timer: number | undefined;
  return () => {
    window.clearTimeout(timer);
    timer = window.setTimeout(run, waitMs);
  };
}
