import { describeError } from '../logging/to-error.js';
import type { Slices } from '../domain/slices.js';
import { checkTargets, compareFigures, periodExperiments, seriesBuckets, summarizeDrift, topConfusions, worstSlices } from './report-figures.js';
import { periodMs, type ModelReport, type Report } from './report-model.js';
import type { Range, ReportSource } from './report-source.js';

export interface ReportRequest {
  /** A checked period (ReportPeriodSchema): 7d, 24h, 2w. */
  period: string;
  now: Date;
  /** Only this model (default: every model). */
  model?: string | undefined;
}

/** The slice paths a key may name (as the slices query checks them). */
const SLICEABLE_KEY = /^[\p{L}\p{N}_\-:@#]+$/u;

/**
 * Builds the report: for each model (default version) the period [now − period, now) against
 * the period just before it of the same length. Reads everything through the source.
 */
export async function buildReport(source: ReportSource, request: ReportRequest): Promise<Report> {
  const untilMs = request.now.getTime();
  const length = periodMs(request.period);
  const current: Range = { since: new Date(untilMs - length).toISOString(), until: request.now.toISOString() };
  const previous: Range = { since: new Date(untilMs - 2 * length).toISOString(), until: current.since };
  const names = request.model === undefined ? await source.modelNames() : [request.model];
  const experiments = await source.experiments();
  const models: ModelReport[] = [];
  for (const name of names) {
    models.push(await buildModelReport(source, name, current, previous, experiments));
  }
  return {
    generated_at: request.now.toISOString(),
    period: request.period,
    since: current.since,
    until: current.until,
    previous_since: previous.since,
    previous_until: previous.until,
    models,
  };
}

async function buildModelReport(
  source: ReportSource,
  name: string,
  current: Range,
  previous: Range,
  experiments: Awaited<ReturnType<ReportSource['experiments']>>,
): Promise<ModelReport> {
  const now = await source.performance(name, current);
  const before = await source.performance(name, previous);
  let drift: ModelReport['drift'] = null;
  let driftError: string | null = null;
  try {
    drift = summarizeDrift(await source.drift(name, current, previous));
  } catch (error) {
    driftError = describeError(error);
  }
  const { fields, reason } = await chooseSliceFields(source, name, current, now.versions);
  const answers: Slices[] = [];
  for (const by of fields) answers.push(await source.slices(name, by, current));
  const series = await source.accuracySeries(name, now.model_version, seriesBuckets(Date.parse(current.since), Date.parse(current.until)));
  return {
    model_name: name,
    model_version: now.model_version,
    task: now.task,
    counts: {
      total: now.total_predictions,
      labeled: now.labeled_predictions,
      previous_total: before.total_predictions,
      previous_labeled: before.labeled_predictions,
    },
    figures: compareFigures(now, before),
    targets: checkTargets(now),
    drift,
    drift_error: driftError,
    confusions: topConfusions(now),
    slice_fields: fields,
    slice_reason: reason,
    worst_slices: worstSlices(answers),
    series,
    experiments: periodExperiments(experiments, name, Date.parse(current.since), Date.parse(current.until)),
  };
}

/**
 * The fields to slice by: the two context keys most often present in the period's newest
 * predictions (what the users attach: device, room, automation…), else model_version when
 * the model has more than one version, else none.
 */
export async function chooseSliceFields(source: ReportSource, name: string, range: Range, versions: string[]): Promise<{ fields: string[]; reason: string }> {
  const keys = (await source.contextKeys(name, range)).filter((key) => SLICEABLE_KEY.test(key)).slice(0, 2);
  if (keys.length > 0) {
    return { fields: keys.map((key) => `context.${key}`), reason: `the ${keys.length === 1 ? 'context key' : 'two context keys'} most often set in the period` };
  }
  if (versions.length > 1) return { fields: ['model_version'], reason: 'no context key in the period; the model has several versions' };
  return { fields: [], reason: 'no context key in the period and a single version: nothing to slice by' };
}
