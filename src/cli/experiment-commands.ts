import { type Command, Option } from 'commander';
import type { CliIo } from './cli-io.js';
import { CliUsageError } from './cli-errors.js';
import { renderAssignment, renderExperiment, renderExperimentList } from './render-experiments.js';
import { runReadCommand } from './read-command.js';

/** A number option as given: a number when it reads as one, else the text (the service names the field). */
function numberOption(value: string | undefined): number | string | undefined {
  if (value === undefined) return undefined;
  const number = Number(value);
  return value.trim() !== '' && Number.isFinite(number) ? number : value;
}

/** `hap ml-metrics experiments` and `hap ml-metrics experiment show|create|stop|assign`. */
export function addExperimentCommands(metrics: Command, io: CliIo, withReadOptions: (command: Command) => Command): void {
  withReadOptions(metrics.command('experiments').description('A/B experiments with their figures, newest first')).action((options: Record<string, unknown>) =>
    runReadCommand(options, io, (source) => source.listExperiments(), (list) => renderExperimentList(list.experiments)),
  );

  const experiment = metrics.command('experiment').description('one A/B experiment: show, create, stop, assign');

  withReadOptions(experiment.command('show').description('an experiment: figures, always-valid p-value, decision').argument('<id>', 'experiment id (exp-…)')).action(
    (id: string, options: Record<string, unknown>) => runReadCommand(options, io, (source) => source.getExperiment(id), renderExperiment),
  );

  withReadOptions(
    experiment
      .command('create')
      .description('start an experiment between two versions of a model (needs --url: the service stores it)')
      .requiredOption('--name <name>', 'a name, e.g. "Voice v2" (gives sensor.ml_experiment_voice_v2)')
      .requiredOption('--model <name>', 'model name')
      .requiredOption('--version-a <version>', 'the baseline version')
      .requiredOption('--version-b <version>', 'the candidate version')
      .option('--allocation <share>', 'share of units given version b (default 0.5)')
      .addOption(new Option('--metric <metric>', 'what decides (default accuracy)').choices(['accuracy', 'precision', 'recall', 'false_positive_rate', 'acceptance_rate', 'confidence']))
      .option('--mde <difference>', 'minimum detectable effect, e.g. 0.05 for 5 points (default 0.05)')
      .option('--alpha <alpha>', 'false-winner rate the test allows (default 0.05)')
      .option('--min-samples <n>', 'observations per version before the test looks (default 30)')
      .option('--no-auto-stop', 'keep running after a decision until stopped'),
  ).action((options: Record<string, unknown> & Record<string, string | boolean | undefined>) => {
    const input: Record<string, unknown> = {
      name: options['name'],
      model_name: options['model'],
      version_a: options['versionA'],
      version_b: options['versionB'],
      allocation: numberOption(options['allocation'] as string | undefined),
      metric: options['metric'],
      min_detectable_effect: numberOption(options['mde'] as string | undefined),
      alpha: numberOption(options['alpha'] as string | undefined),
      min_samples: numberOption(options['minSamples'] as string | undefined),
      auto_stop: options['autoStop'],
    };
    const body = Object.fromEntries(Object.entries(input).filter(([, value]) => value !== undefined));
    return runReadCommand(options, io, (source) => source.createExperiment(body), renderExperiment);
  });

  withReadOptions(experiment.command('stop').description('stop a running experiment now (needs --url)').argument('<id>', 'experiment id')).action(
    (id: string, options: Record<string, unknown>) => runReadCommand(options, io, (source) => source.stopExperiment(id), renderExperiment),
  );

  withReadOptions(
    experiment.command('assign').description('the version a unit (device or user id) gets').argument('<id>', 'experiment id').requiredOption('--unit <unit>', 'device or user id'),
  ).action((id: string, options: Record<string, unknown> & { unit?: string }) => {
    if (!options.unit) throw new CliUsageError('--unit must name a device or user id');
    const unit = options.unit;
    return runReadCommand(options, io, (source) => source.assignExperiment(id, unit), renderAssignment);
  });
}
