import type { TrainingLog } from '../domain/training.js';
import { sortVersions } from '../domain/version-order.js';
import type { ModelVersionEntry, ModelVersionList, VersionRegistration } from '../domain/versions.js';
import type { VersionAggregates } from '../storage/aggregate-index.js';

/** The earliest hour with a prediction, as an ISO time (null when the version has none). */
function earliestHour(aggregates: VersionAggregates | undefined): string | null {
  if (!aggregates) return null;
  let earliest: number | null = null;
  for (const [hour, counts] of aggregates.hours) {
    if (counts.total > 0 && (earliest === null || hour < earliest)) earliest = hour;
  }
  return earliest === null ? null : new Date(earliest).toISOString();
}

function earlier(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) <= Date.parse(b) ? a : b;
}

function later(a: string | null, b: string | null): string | null {
  if (a === null) return b;
  if (b === null) return a;
  return Date.parse(a) >= Date.parse(b) ? a : b;
}

/**
 * Registrations for the versions of `model` that have predictions or training sessions but no
 * registration yet (a store older than the registry, or a registration whose write failed):
 * first_seen is the earlier of the first training session and the start of the earliest hour
 * with a prediction (the aggregates keep hours, not instants).
 */
export function missingRegistrations(
  model: string,
  aggregates: readonly VersionAggregates[],
  training: readonly TrainingLog[],
  registered: readonly VersionRegistration[],
  now: Date,
): VersionRegistration[] {
  const known = new Set(registered.filter((entry) => entry.model_name === model).map((entry) => entry.model_version));
  const versions = new Set([...aggregates.map((entry) => entry.model_version), ...training.map((session) => session.model_version)]);
  const missing: VersionRegistration[] = [];
  for (const version of sortVersions([...versions])) {
    if (known.has(version)) continue;
    const hour = earliestHour(aggregates.find((entry) => entry.model_version === version));
    let trained: string | null = null;
    for (const session of training) if (session.model_version === version) trained = earlier(trained, session.timestamp);
    const firstSeen = earlier(hour, trained);
    if (firstSeen === null) continue;
    missing.push({
      model_name: model,
      model_version: version,
      first_seen: firstSeen,
      registered_from: firstSeen === hour ? 'aggregates' : 'training',
      registered_at: now.toISOString(),
    });
  }
  return missing;
}

/** `GET /models/{name}/versions`: every registered version in natural order, with its all-time figures. */
export function buildVersionList(
  model: string,
  registrations: readonly VersionRegistration[],
  aggregates: readonly VersionAggregates[],
  training: readonly TrainingLog[],
  defaultVersion: string,
): ModelVersionList {
  const own = registrations.filter((entry) => entry.model_name === model);
  const byVersion = new Map(own.map((entry) => [entry.model_version, entry]));
  const versions: ModelVersionEntry[] = [];
  for (const version of sortVersions([...byVersion.keys()])) {
    const registration = byVersion.get(version)!;
    const counts = aggregates.find((entry) => entry.model_version === version);
    const sessions = training
      .filter((session) => session.model_version === version)
      .slice()
      .sort((a, b) => Date.parse(a.timestamp) - Date.parse(b.timestamp));
    let lastSeen: string | null = counts?.last_timestamp ?? null;
    for (const session of sessions) lastSeen = later(lastSeen, session.timestamp);
    const labeled = counts?.all_time.labeled ?? 0;
    versions.push({
      model_version: version,
      first_seen: registration.first_seen,
      last_seen: later(lastSeen, registration.first_seen)!,
      registered_from: registration.registered_from,
      total_predictions: counts?.all_time.total ?? 0,
      labeled_predictions: labeled,
      accuracy: labeled === 0 ? null : (counts?.all_time.correct ?? 0) / labeled,
      training_sessions: sessions.map((session) => session.training_session_id),
      current: version === defaultVersion,
    });
  }
  return { model_name: model, versions };
}
