import { WebSocket, type RawData } from 'ws';
import type { Logger } from '../logging/logger.js';
import { describeError } from '../logging/to-error.js';
import { HubAuthError, HubCannotConnectError, HubConfigError, HubStoppedError } from './errors.js';
import { HubSocket } from './hub-socket.js';

export type CreateWebSocket = (url: string, options: { handshakeTimeout: number }) => WebSocket;

interface OpenHubSocketOptions {
  url: string;
  token: string;
  logger: Logger;
  /** Aborting cuts the attempt and rejects with HubStoppedError. */
  signal?: AbortSignal;
  /** Whole handshake (TCP, upgrade, auth) must finish within this. */
  timeoutMs?: number;
  createWebSocket?: CreateWebSocket;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

const defaultCreateWebSocket: CreateWebSocket = (url, options) => new WebSocket(url, options);

/**
 * One attempt at an authenticated websocket: open, answer `auth_required` with the token,
 * wait for `auth_ok`, then ask for `coalesce_messages` as the library does (message id 1).
 * Rejects with HubAuthError on `auth_invalid`, HubCannotConnectError otherwise.
 */
export function openHubSocket(options: OpenHubSocketOptions): Promise<HubSocket> {
  const { url, token, logger, signal } = options;
  const timeoutMs = options.timeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
  return new Promise<HubSocket>((resolve, reject) => {
    if (signal?.aborted) {
      reject(new HubStoppedError('stopped before connecting to Home Assistant'));
      return;
    }
    let ws: WebSocket;
    try {
      ws = (options.createWebSocket ?? defaultCreateWebSocket)(url, { handshakeTimeout: timeoutMs });
    } catch (error) {
      reject(new HubConfigError(`Cannot open a websocket to ${url}: ${describeError(error)}`));
      return;
    }
    let settled = false;
    const timer = setTimeout(
      () => fail(new HubCannotConnectError(`Home Assistant at ${url} did not complete the handshake within ${timeoutMs} ms`)),
      timeoutMs,
    );
    const onAbort = (): void => fail(new HubStoppedError('stopped while connecting to Home Assistant'));
    const cleanup = (): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      ws.off('message', onMessage);
      ws.off('close', onClose);
      ws.off('error', onError);
    };
    const fail = (error: Error): void => {
      if (settled) return;
      settled = true;
      cleanup();
      ws.on('error', () => {}); // a cut socket may still report; nothing left to do with it
      ws.terminate();
      reject(error);
    };
    const onError = (error: Error): void => {
      fail(new HubCannotConnectError(`Cannot connect to Home Assistant at ${url}: ${error.message || String(error)}`));
    };
    const onClose = (code: number): void => {
      fail(new HubCannotConnectError(`Home Assistant at ${url} closed the connection during the handshake (code ${code})`));
    };
    const onMessage = (data: RawData): void => {
      let message: { type?: unknown; ha_version?: unknown; message?: unknown };
      try {
        message = JSON.parse(data.toString()) as typeof message;
      } catch {
        logger.warn('dropped a frame that is not JSON during the handshake', { preview: data.toString().slice(0, 120) });
        return;
      }
      if (message === null || typeof message !== 'object') return;
      if (message.type === 'auth_required') {
        ws.send(JSON.stringify({ type: 'auth', access_token: token }));
      } else if (message.type === 'auth_invalid') {
        const detail = typeof message.message === 'string' ? message.message : 'no reason given';
        fail(new HubAuthError(`Home Assistant at ${url} rejected the access token ("${detail}")`));
      } else if (message.type === 'auth_ok') {
        settled = true;
        cleanup();
        const haVersion = typeof message.ha_version === 'string' ? message.ha_version : 'unknown';
        const socket = new HubSocket(ws, haVersion, logger);
        if (supportsCoalescing(haVersion)) {
          socket.send(JSON.stringify({ type: 'supported_features', id: 1, features: { coalesce_messages: 1 } }));
        }
        resolve(socket);
      }
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    ws.on('message', onMessage);
    ws.on('close', onClose);
    ws.on('error', onError);
  });
}

/** `supported_features` exists from Home Assistant 2022.9 on. */
function supportsCoalescing(haVersion: string): boolean {
  const [year = 0, month = 0] = haVersion.split('.').map((part) => Number.parseInt(part, 10) || 0);
  return year > 2022 || (year === 2022 && month >= 9);
}
