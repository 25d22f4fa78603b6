import { parseArgs } from 'node:util';
import { runService } from './run-service.js';
import { describeError } from './logging/to-error.js';

const USAGE = 'usage: npm start -- [--port P] [--host H] [--data-dir D] [--config FILE] [--insecure] [--help]';

const HELP = `${USAGE}

Runs the hap-ml-metrics service: REST API, hub integration, sensors (until SIGTERM or SIGINT).
  --port P          REST API port (default 8000; $ML_METRICS_PORT)
  --host H          REST API address (default 127.0.0.1; $ML_METRICS_HOST)
  --data-dir D      data directory (default ./data; $ML_METRICS_DATA_DIR)
  --config FILE     configuration file (JSON), over the shipped one ($ML_METRICS_CONFIG)
  --insecure        allow a non-loopback --host without ML_METRICS_API_TOKEN
  --help            print this and exit
Hub: HA_URL and HA_TOKEN (or SUPERVISOR_TOKEN as an add-on). API token: ML_METRICS_API_TOKEN.
`;

type Flags = { port?: number; host?: string; dataDir?: string; configPath?: string; insecure?: boolean };

function parseFlags(argv: string[]): Flags | 'help' | string {
  try {
    const { values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        'data-dir': { type: 'string' },
        config: { type: 'string' },
        insecure: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    });
    if (values.help) return 'help';
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
if (flags === 'help') {
  process.stdout.write(HELP);
  process.exitCode = 0;
} else if (typeof flags === 'string') {
  process.stderr.write(`hap-ml-metrics: ${flags}\n${USAGE}\n`);
  process.exitCode = 2;
} else {
  process.exitCode = await runService(flags, process.env);
}
