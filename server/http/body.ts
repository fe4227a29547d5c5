import express, { type RequestHandler } from 'express';
import { BadRequestError } from '../engine/errors.ts';

export const MAX_BODY = '256kb';
/** Forms nest a few levels; anything deeper is an attack on the parser or the validators. */
export const MAX_DEPTH = 16;

const parseJson = express.json({ limit: MAX_BODY, strict: true });

/** Parses a JSON object body. Mounted after authentication, so a bad body never outranks a 401 or 403. */
export const jsonObjectBody: RequestHandler = (req, res, next) => {
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
