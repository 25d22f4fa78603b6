import { createHash, timingSafeEqual } from 'node:crypto';

const sha256 = (text: string): Buffer => createHash('sha256').update(text, 'utf8').digest();

/**
 * Returns a check of an `Authorization` header against `token`: true when it is
 * `Bearer <token>`. Both sides are hashed first so the comparison is constant-time over
 * equal-length buffers whatever the caller sends.
 */
export function createBearerAuth(token: string): (authorization: string | undefined) => boolean {
  const expected = sha256(token);
  return (authorization) => {
    const match = /^Bearer[ \t]+(\S+)[ \t]*$/i.exec(authorization ?? '');
    const given = sha256(match?.[1] ?? '');
    // Always compare, even without a match, so a missing header costs the same as a wrong one.
    return timingSafeEqual(given, expected) && match !== null;
  };
}
