import { stat } from 'node:fs/promises';
import path from 'node:path';
import { diagnoseStore, repairStore } from '../storage/store-doctor.js';
import type { RepairReport, StoreProblem } from '../storage/store-doctor.js';
import { StoreLockedError } from '../storage/storage-errors.js';
import { LabelResolver } from '../tracker/label-resolver.js';
import { CliError } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import { parseReadOptions } from './cli-options.js';
import { loadDirectConfig } from './read-command.js';

const REPAIR_TEXT: Record<StoreProblem['repair'], string> = {
  salvage: 'repair writes what reads into a fresh file and moves the original aside',
  set_aside: 'repair moves it aside',
  rebuild_summary: 'repair recomputes it from the segment',
};

async function storeOptions(rawOptions: Record<string, unknown>, io: CliIo) {
  const options = parseReadOptions(rawOptions);
  if (options.url !== undefined) throw new CliError('doctor and repair read the files: pass --data-dir, not --url');
  const config = loadDirectConfig(options, io.env);
  const dataDir = path.resolve(config.data_dir);
  const exists = await stat(dataDir).then((info) => info.isDirectory(), () => false);
  if (!exists) throw new CliError(`no data directory at ${dataDir}; pass --data-dir`);
  const labels = new LabelResolver(config.models);
  return { dataDir, contribute: labels.contribute, labelFingerprint: labels.fingerprint, json: options.json === true };
}

/** `hap ml-metrics doctor`: every problem with its file; exit 1 when there is any. */
export async function runDoctor(rawOptions: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = await storeOptions(rawOptions, io);
  const problems = await diagnoseStore(options);
  if (options.json) {
    io.stdout(`${JSON.stringify({ data_dir: options.dataDir, problems }, null, 2)}\n`);
  } else if (problems.length === 0) {
    io.stdout(`${options.dataDir}: every file reads and validates; the summaries match their segments.\n`);
  } else {
    const lines = problems.map((problem) => `  ${problem.file}: ${problem.detail} (${REPAIR_TEXT[problem.repair]})`);
    io.stdout(`${options.dataDir}: ${problems.length} problem(s)\n${lines.join('\n')}\nStop the service, then run: hap ml-metrics repair --data-dir ${options.dataDir}\n`);
  }
  return problems.length === 0 ? 0 : 1;
}

function renderSalvage(entry: RepairReport['salvaged'][number]): string {
  const noun = entry.file.startsWith('predictions/') ? 'prediction(s)' : 'entry(ies)';
  if (entry.kept === 0 && entry.lost === 0 && !entry.lost_exact) return `  ${entry.file}: nothing in it could be read (no fresh file written)`;
  const lost = `lost ${entry.lost_exact ? '' : 'at least '}${entry.lost}${entry.cut_off ? ' (the file was cut off)' : ''}`;
  const trailing = entry.trailing_lines > 0 ? `; dropped ${entry.trailing_lines} garbage line(s) after its end` : '';
  return `  ${entry.file}: kept ${entry.kept} ${noun}, ${lost}${trailing}`;
}

function renderRepair(dataDir: string, report: RepairReport): string {
  const lines = [`${dataDir}: kept ${report.kept_segments} segment(s) holding ${report.kept_predictions} prediction(s)`];
  if (report.salvaged.length > 0) {
    lines.push(`salvaged (each original is in ${report.quarantine}, untouched):`, ...report.salvaged.map(renderSalvage));
  }
  if (report.set_aside.length > 0) {
    lines.push(`set aside in ${report.quarantine} (nothing was deleted):`, ...report.set_aside.map((file) => `  ${file}`));
  }
  if (report.rebuilt.length > 0) lines.push('recomputed from their segments:', ...report.rebuilt.map((file) => `  ${file}`));
  if (report.salvaged.length === 0 && report.set_aside.length === 0 && report.rebuilt.length === 0) lines.push('nothing to repair');
  return `${lines.join('\n')}\n`;
}

/** `hap ml-metrics repair`: sets bad files aside and rebuilds the aggregates from what remains. */
export async function runRepair(rawOptions: Record<string, unknown>, io: CliIo): Promise<number> {
  const options = await storeOptions(rawOptions, io);
  let report: RepairReport;
  try {
    report = await repairStore(options);
  } catch (error) {
    if (error instanceof StoreLockedError) throw new CliError(`${error.message} (repair needs the service stopped)`);
    throw error;
  }
  io.stdout(options.json ? `${JSON.stringify({ data_dir: options.dataDir, ...report }, null, 2)}\n` : renderRepair(options.dataDir, report));
  return 0;
}
