import type { Calibration } from '../domain/calibration.js';
import type { ModelComparison } from '../domain/comparison.js';
import type { Drift } from '../domain/drift.js';
import type { Slices } from '../domain/slices.js';
import type { ModelPerformance, ModelSummary } from '../domain/performance.js';
import type { PredictionLog } from '../domain/prediction.js';
import type { Timeseries } from '../domain/timeseries.js';
import type { TrainingLog } from '../domain/training.js';

/**
 * The REST API, by URLs relative to the page (so the panel works at `/` and under Home Assistant's
 * ingress prefix). When the service has a token and the page is not behind ingress, a 401 asks
 * for the token once; it is kept in sessionStorage (this tab only) and sent as a bearer token.
 */
const BASE = 'api/v1/ml-metrics';
const TOKEN_KEY = 'ml-metrics-token';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly status: number,
  ) {
    super(message);
  }
}

export function authHeaders(): Record<string, string> {
  const token = sessionStorage.getItem(TOKEN_KEY);
  return token ? { authorization: `Bearer ${token}` } : {};
}

/** Asks for the token (a modal form); resolves when one is saved. */
let asking: Promise<void> | null = null;
function askToken(): Promise<void> {
  asking ??= new Promise<void>((resolve) => {
    const dialog = document.createElement('dialog');
    dialog.className = 'token';
    dialog.innerHTML =
      '<form method="dialog"><h2>API token</h2><p>This service wants its API token (the add-on\'s <code>api_token</code> option, or <code>ML_METRICS_API_TOKEN</code>). It is kept for this tab only.</p>' +
      '<label>Token <input name="token" type="password" autocomplete="current-password" required></label> <button type="submit">Use token</button></form>';
    document.body.append(dialog);
    const form = dialog.querySelector('form');
    form?.addEventListener('submit', () => {
      const value = new FormData(form).get('token');
      if (typeof value === 'string' && value.trim()) sessionStorage.setItem(TOKEN_KEY, value.trim());
      dialog.remove();
      asking = null;
      resolve();
    });
    dialog.showModal();
  });
  return asking;
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  for (let attempt = 0; ; attempt += 1) {
    const response = await fetch(`${BASE}${path}`, {
      method,
      headers: { accept: 'application/json', ...authHeaders(), ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    if (response.status === 401 && attempt < 3) {
      sessionStorage.removeItem(TOKEN_KEY);
      await askToken();
      continue;
    }
    const parsed: unknown = await response.json().catch(() => null);
    if (!response.ok) {
      const message = parsed && typeof parsed === 'object' && 'error' in parsed ? String(parsed.error) : `HTTP ${response.status}`;
      throw new ApiError(message, response.status);
    }
    return parsed as T;
  }
}

const model = (name: string) => `/models/${encodeURIComponent(name)}`;
const query = (values: Record<string, string | undefined>) => {
  const params = new URLSearchParams();
  for (const [key, value] of Object.entries(values)) if (value !== undefined) params.set(key, value);
  const text = params.toString();
  return text ? `?${text}` : '';
};

export const api = {
  models: () => request<{ models: ModelSummary[] }>('GET', '/models').then((answer) => answer.models),
  performance: (name: string, version?: string) => request<ModelPerformance>('GET', `${model(name)}${query({ version })}`),
  timeseries: (name: string, bucket: string, version?: string) => request<Timeseries>('GET', `${model(name)}/timeseries${query({ bucket, version })}`),
  predictions: (name: string, limit: number) =>
    request<{ predictions: PredictionLog[]; next_cursor: string | null }>('GET', `${model(name)}/predictions${query({ limit: String(limit) })}`),
  training: (name: string) => request<{ sessions: TrainingLog[] }>('GET', `${model(name)}/training`).then((answer) => answer.sessions),
  comparisons: (name: string) => request<{ comparisons: ModelComparison[] }>('GET', `${model(name)}/comparisons`).then((answer) => answer.comparisons),
  compare: (name: string, versionA: string, versionB: string) => request<ModelComparison>('POST', `${model(name)}/compare`, { version_a: versionA, version_b: versionB }),
  calibration: (name: string) => request<Calibration>('GET', `${model(name)}/calibration`),
  drift: (name: string) => request<Drift>('GET', `${model(name)}/drift`),
  slices: (name: string, by: string) => request<Slices>('GET', `${model(name)}/slices${query({ by })}`),
  label: (predictionId: string, body: Record<string, unknown>) =>
    request<PredictionLog>('POST', `/predictions/${encodeURIComponent(predictionId)}/ground-truth`, body),
};

export const EVENTS_URL = `${BASE}/events/stream`;
