/**
 * Domain errors carry a stable code and an HTTP status; one adapter (`toProblem`) maps them
 * to `application/problem+json`, another (`cliFail`) to a CLI message with a non-zero exit.
 * Each domain defines its own codes as string literals (e.g. `case.not_found`).
 */
export class DomainError extends Error {
  readonly code: string;
  readonly status: number;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: string, message: string, status = 400, details?: Record<string, unknown>) {
    super(message);
    this.name = 'DomainError';
    this.code = code;
    this.status = status;
    this.details = details;
  }
}

export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 404, details);
export const conflict = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 409, details);
export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError(code, message, 400, details);

export type Problem = {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  [extra: string]: unknown;
};

export function toProblem(err: DomainError): Problem {
  return {
    type: `https://casedesk.dev/problems/${err.code}`,
    title: err.code,
    status: err.status,
    detail: err.message,
    code: err.code,
    ...(err.details ?? {}),
  };
}
