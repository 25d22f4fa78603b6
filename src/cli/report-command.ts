import { type Command, Option } from 'commander';
import { z } from 'zod';
import { READABLE_ERRORS } from '../domain/readable-errors.js';
import { ModelNameSchema } from '../domain/names.js';
import { buildReport } from '../reports/build-report.js';
import { ReportPeriodSchema } from '../reports/report-model.js';
import { renderHtml } from '../reports/render-html.js';
import { renderMarkdown } from '../reports/render-markdown.js';
import { writeReportFile } from '../reports/write-report-file.js';
import { CliUsageError } from './cli-errors.js';
import type { CliIo } from './cli-io.js';
import { parseReadOptions } from './cli-options.js';
import { MetricsReportSource } from './metrics-report-source.js';
import { openMetricsSource } from './read-command.js';

const ReportArgsSchema = z.object({
  since: ReportPeriodSchema.default('7d'),
  model: ModelNameSchema.optional(),
  format: z.enum(['md', 'html'], { error: 'format must be md or html' }).default('md'),
  out: z.string().min(1, { error: 'out must name a file' }).optional(),
});

const FLAGS: Record<string, string> = { since: '--since', model: '--model', format: '--format', out: '--out' };

function parseReportArgs(given: Record<string, unknown>): z.output<typeof ReportArgsSchema> {
  const values = Object.fromEntries(Object.entries(given).filter(([, value]) => value !== undefined));
  const result = ReportArgsSchema.safeParse(values, READABLE_ERRORS);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => {
    const field = String(issue.path[0] ?? '');
    return `invalid ${FLAGS[field] ?? field} ${JSON.stringify(values[field])}: ${issue.message}`;
  });
  throw new CliUsageError(problems.join('; '));
}

/** `hap ml-metrics report`: the performance report (Markdown or one self-contained HTML file). */
export function addReportCommand(metrics: Command, io: CliIo, withReadOptions: (command: Command) => Command, now: () => Date = () => new Date()): void {
  withReadOptions(
    metrics
      .command('report')
      .description('performance report per model over a period against the previous one: figures, targets, drift, experiments, confusions, worst slices')
      .option('--since <duration>', 'the period back from now: 24h, 7d, 2w (default 7d)')
      .option('--model <name>', 'only this model (default: every model)')
      .addOption(new Option('--format <format>', 'md (Markdown) or html (one self-contained page); default md'))
      .option('--out <file>', 'write the report to this file (durably) instead of stdout'),
  ).action(async (options: Record<string, unknown>) => {
    const { since, model, format, out, json, ...read } = options;
    const args = parseReportArgs({ since, model, format, out });
    const readOptions = parseReadOptions({ ...read, json });
    const source = await openMetricsSource(readOptions, io);
    let text: string;
    try {
      const reads = source.reportSource?.() ?? new MetricsReportSource(source);
      const report = await buildReport(reads, { period: args.since, now: now(), model: args.model });
      text = readOptions.json ? `${JSON.stringify(report, null, 2)}\n` : args.format === 'html' ? renderHtml(report) : renderMarkdown(report);
    } catch (error) {
      await source.close().catch(() => undefined);
      throw error;
    }
    await source.close();
    if (args.out === undefined) io.stdout(text);
    else {
      await writeReportFile(args.out, text);
      io.stdout(`wrote ${args.out}\n`);
    }
  });
}
