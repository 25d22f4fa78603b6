import { parseArgs } from 'node:util';
import { runService } from './run-service.js';
import { describeError } from './logging/to-error.js';

const USAGE = 'usage: npm start -- [--port P] [--host H] [--data-dir D] [--config FILE] [--insecure]';

function parseFlags(argv: string[]): { port?: number; host?: string; dataDir?: string; configPath?: string; insecure?: boolean } | string {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        insecure: { type: 'boolean' },
      },
      strict: true,
      allowPositionals: false,
    });
    let port: number | undefined;
    if (values.port !== undefined) {
      port = Number(values.port);
      if (!/^\d+$/.test(values.port) || port > 65_535) return `--port must be a whole number from 0 to 65535, got "${values.port}"`;
    }
    return {
      ...(port !== undefined ? { port } : {}),
      ...(values.host !== undefined ? { host: values.host } : {}),
      ...(values['data-dir'] !== undefined ? { dataDir: values['data-dir'] } : {}),
      ...(values.config !== undefined ? { configPath: values.config } : {}),
      ...(values.insecure ? { insecure: true } : {}),
    };
  } catch (error) {
    return describeError(error);
  }
}

const flags = parseFlags(process.argv.slice(2));
if (typeof flags === 'string') {
  process.stderr.write(`hap-ml-metrics: ${flags}\n${USAGE}\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await runService(flags, process.env);
}
