/**
 * Writes recorded Home Assistant payloads as pretty JSON, one file per scenario, with every
 * access or refresh token replaced by "<scrubbed>" (user ids and context ids are kept).
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SCRUBBED = '<scrubbed>';
const TOKEN_KEYS = /^(access_token|refresh_token|auth_code)$/;

/** A copy of `value` with the given secrets and any token-named string field replaced. */
export function scrubSecrets(value: unknown, secrets: readonly string[]): unknown {
  if (typeof value === 'string') {
    let text = value;
    for (const secret of secrets) if (secret) text = text.split(secret).join(SCRUBBED);
    return text;
  }
  if (Array.isArray(value)) return value.map((item) => scrubSecrets(item, secrets));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value).map(([key, item]) => [key, TOKEN_KEYS.test(key) && typeof item === 'string' ? SCRUBBED : scrubSecrets(item, secrets)]),
    );
  }
  return value;
}

export class FixtureWriter {
  readonly written: string[] = [];

  constructor(
    readonly dir: string,
    private readonly secrets: readonly string[],
  ) {}

  /** Writes `<dir>/<name>.json`. */
  async write(name: string, payload: unknown): Promise<void> {
    await mkdir(this.dir, { recursive: true });
    const path = join(this.dir, `${name}.json`);
    await writeFile(path, `${JSON.stringify(scrubSecrets(payload, this.secrets), null, 2)}\n`);
    this.written.push(path);
  }
}
