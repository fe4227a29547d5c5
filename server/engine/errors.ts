/**
 * The few ways a request can be refused. Each has a literal `code` that the HTTP layer
 * turns into a status in one place (server/http/errors.ts); the engine knows nothing of HTTP.
 */

export interface FieldProblem {
  /** A JSON Pointer into the submitted data, e.g. `/attendees/1`. */
  path: string;
  message: string;
}

export interface GuardProblem {
  guard: string;
  message: string;
}

/** A problem in a configuration file, at a line of it (config/source.ts's ConfigProblem). */
export interface FileProblem {
  file: string;
  line: number;
  message: string;
}

abstract class WorkflowError<Code extends string, Details = undefined> extends Error {
  abstract readonly code: Code;
  constructor(
    message: string,
    readonly details?: Details,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class BadRequestError extends WorkflowError<'bad_request'> {
  readonly code = 'bad_request' as const;
}

export class UnauthenticatedError extends WorkflowError<'unauthenticated'> {
  readonly code = 'unauthenticated' as const;
}

export class ForbiddenError extends WorkflowError<'forbidden'> {
  readonly code = 'forbidden' as const;
}

export class NotFoundError extends WorkflowError<'not_found'> {
  readonly code = 'not_found' as const;
}

export class VersionConflictError extends WorkflowError<'version_conflict', { currentVersion: number }> {
  readonly code = 'version_conflict' as const;
}

export class EventNotAllowedError extends WorkflowError<'event_not_allowed', { state: string; allowed: string[] }> {
  readonly code = 'event_not_allowed' as const;
}

export class ValidationFailedError extends WorkflowError<'validation_failed', FieldProblem[]> {
  readonly code = 'validation_failed' as const;
}

export class GuardRejectedError extends WorkflowError<'guard_rejected', GuardProblem[]> {
  readonly code = 'guard_rejected' as const;
}

/** An uploaded process file that would not load, or would change nothing: every problem, each with its file and line. */
export class ProcessRejectedError extends WorkflowError<'process_invalid', FileProblem[]> {
  readonly code = 'process_invalid' as const;
}

export type RequestError =
  | BadRequestError
  | UnauthenticatedError
  | ForbiddenError
  | NotFoundError
  | VersionConflictError
  | EventNotAllowedError
  | ValidationFailedError
  | GuardRejectedError
  | ProcessRejectedError;

export function isRequestError(error: unknown): error is RequestError {
  return error instanceof WorkflowError;
}
