import type { ErrorRequestHandler, RequestHandler } from 'express';
import { isRequestError, NotFoundError, type RequestError } from '../engine/errors.ts';

const STATUS: Record<RequestError['code'], number> = {
  bad_request: 400,
  unauthenticated: 401,
  forbidden: 403,
  not_found: 404,
  version_conflict: 409,
  event_not_allowed: 409,
  validation_failed: 422,
  guard_rejected: 422,
  process_invalid: 422,
};

/** Body-parser's failures, by its `type`: the client's mistakes, never the server's. */
const BODY_ERRORS: Record<string, { status: number; code: string; message: string }> = {
  'entity.parse.failed': { status: 400, code: 'bad_request', message: 'The body is not valid JSON' },
  'entity.too.large': { status: 413, code: 'payload_too_large', message: 'The body is too large; forms take at most 256 kB' },
  'encoding.unsupported': { status: 415, code: 'unsupported_media_type', message: 'Send the body as UTF-8 JSON, uncompressed or with gzip, deflate or br' },
  'charset.unsupported': { status: 415, code: 'unsupported_media_type', message: 'Send the body as UTF-8 JSON (Content-Type: application/json; charset=utf-8)' },
  'request.aborted': { status: 400, code: 'bad_request', message: 'The request was aborted' },
  'request.size.invalid': { status: 400, code: 'bad_request', message: 'The body is shorter than its Content-Length' },
};

/**
 * Other failures that Express and body-parser mark as the client's (http-errors with a 4xx
 * `status`): a path with a broken %-escape, a body that does not decompress. Their own messages
 * are not shown, since they may quote internals.
 */
function clientError(error: unknown): { status: number; code: string; message: string } | undefined {
  const status = (error as { status?: unknown } | null)?.status;
  if (typeof status !== 'number' || status < 400 || status > 499) return undefined;
  if (status === 413) return BODY_ERRORS['entity.too.large'];
  if (status === 415) return BODY_ERRORS['encoding.unsupported'];
  return { status: 400, code: 'bad_request', message: 'The request could not be read: check the %-escapes in its address and the encoding of its body' };
}

/** 429 `too_many_requests`, with a Retry-After: sign-ins slowed by the throttle, or the server too busy hashing. */
export class TooManyRequestsError extends Error {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super(message);
  }
}

export const apiNotFound: RequestHandler = (req) => {
  throw new NotFoundError(`There is no ${req.method} ${req.baseUrl}${req.path}`);
};

/** The one place errors become HTTP answers: `{error: {code, message, details?}}`. */
export function errorHandler(log: (line: string) => void): ErrorRequestHandler {
  return (error, _req, res, _next) => {
    if (isRequestError(error)) {
      res.status(STATUS[error.code]).json({ error: { code: error.code, message: error.message, ...(error.details === undefined ? {} : { details: error.details }) } });
      return;
    }
    if (error instanceof TooManyRequestsError) {
      res.set('Retry-After', String(error.retryAfterSeconds));
      res.status(429).json({ error: { code: 'too_many_requests', message: error.message } });
      return;
    }
    const bodyError = BODY_ERRORS[(error as { type?: string }).type ?? ''] ?? clientError(error);
    if (bodyError !== undefined) {
      res.status(bodyError.status).json({ error: { code: bodyError.code, message: bodyError.message } });
      return;
    }
    // Only the stack: request bodies hold personal data and never reach the log.
    log(`internal error: ${(error as Error)?.stack ?? String(error)}`);
    res.status(500).json({ error: { code: 'internal', message: 'Something went wrong on our side; nothing was saved. Try again, and tell the business unit if it persists.' } });
  };
}
