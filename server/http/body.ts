import express, { type RequestHandler } from 'express';
import { isUtf8 } from 'node:buffer';
import { BadRequestError } from '../engine/errors.ts';

export const MAX_BODY = '256kb';
/** Forms nest a few levels; anything deeper is an attack on the parser or the validators. */
export const MAX_DEPTH = 16;

/** A body whose bytes are not UTF-8: errors.ts answers it like a body declared in another charset. */
class NotUtf8Error extends Error {
  readonly status = 415;
  readonly type = 'charset.unsupported';
}

const parseJson = express.json({
  limit: MAX_BODY,
  strict: true,
  // body-parser would otherwise replace bytes that are not UTF-8 with U+FFFD and store the result.
  verify: (_req, _res, bytes) => {
    if (!isUtf8(bytes)) throw new NotUtf8Error('The body is not UTF-8');
  },
});

/**
 * JSON is UTF-8 (RFC 8259). body-parser also decodes UTF-16, UTF-32 and UTF-7 when the charset says
 * so; those bodies are refused before they are read, like every other charset.
 */
function declaresOtherCharset(contentType: string | undefined): boolean {
  const charset = /;\s*charset\s*=\s*"?([^";\s]*)/i.exec(contentType ?? '')?.[1]?.toLowerCase();
  return charset !== undefined && charset !== 'utf-8';
}

/** Parses a JSON object body. Mounted after authentication, so a bad body never outranks a 401 or 403. */
export const jsonObjectBody: RequestHandler = (req, res, next) => {
  if (declaresOtherCharset(req.get('content-type'))) return next(new NotUtf8Error('The body declares a charset other than UTF-8'));
  parseJson(req, res, (error?: unknown) => {
    if (error) return next(error);
    if (!req.is('application/json')) return next(new BadRequestError('Send the body as JSON with Content-Type: application/json'));
    const body: unknown = req.body;
    if (body === null || typeof body !== 'object' || Array.isArray(body)) return next(new BadRequestError('The body must be a JSON object'));
    if (depthOf(body) > MAX_DEPTH) return next(new BadRequestError(`The body nests deeper than ${MAX_DEPTH} levels`));
    next();
  });
};

/** Depth without recursion, so a hostile body cannot overflow the stack while being measured. */
function depthOf(root: object): number {
  let deepest = 0;
  const stack: [unknown, number][] = [[root, 1]];
  while (stack.length > 0) {
    const [value, depth] = stack.pop()!;
    if (value === null || typeof value !== 'object') continue;
    deepest = Math.max(deepest, depth);
    if (deepest > MAX_DEPTH) return deepest;
    for (const child of Object.values(value)) stack.push([child, depth + 1]);
  }
  return deepest;
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
