import {
  AuthError,
  type CofferError,
  ConflictError,
  ConnectionError,
  DecryptionError,
  type ErrorCode,
  ExpiredError,
  ForbiddenError,
  IntegrityError,
  NotFoundError,
  QuotaError,
  RateLimitedError,
  SecondFactorRequiredError,
  ValidationError,
} from '@coffer/errors';
import { z } from 'zod';

/** The body of every error response, from the hub and from hosts. */
export const errorBody = z.object({
  error: z.object({
    code: z.string(),
    message: z.string(),
    field: z.string().optional(),
    retryAfterMs: z.number().optional(),
    /** With `auth`: `second_factor_required` when a code from the authenticator app is due. */
    reason: z.string().optional(),
    /** A refusal under the account's quota: what it stores and the quota, in bytes. */
    used: z.number().int().min(0).optional(),
    quota: z.number().int().min(0).optional(),
  }),
});
export type ErrorBody = z.infer<typeof errorBody>;

export const STATUS: Record<ErrorCode, number> = {
  validation: 400,
  auth: 401,
  forbidden: 403,
  not_found: 404,
  conflict: 409,
  expired: 410,
  quota: 507,
  rate_limited: 429,
  integrity: 400,
  decryption: 400,
  connection: 503,
};

export function toErrorBody(e: CofferError): ErrorBody {
  const error: ErrorBody['error'] = { code: e.code, message: e.message };
  if (e instanceof ValidationError) error.field = e.field;
  if (e instanceof RateLimitedError) error.retryAfterMs = e.retryAfterMs;
  if (e instanceof SecondFactorRequiredError) error.reason = e.reason;
  if (e instanceof QuotaError && e.figures) Object.assign(error, e.figures);
  return { error };
}

/** Turns an error response back into the typed error the server threw. */
export function fromErrorBody(status: number, body: unknown, where: string): CofferError {
  const parsed = errorBody.safeParse(body);
  if (!parsed.success) {
    return status >= 500
      ? new ConnectionError(`${where}: server error ${status}`)
      : new ValidationError('response', `${where}: unexpected ${status} response`);
  }
  const { code, message, field, retryAfterMs, used, quota, reason } = parsed.data.error;
  switch (code) {
    case 'validation': {
      const prefix = `${field}: `;
      const text = field && message.startsWith(prefix) ? message.slice(prefix.length) : message;
      return new ValidationError(field ?? 'request', text);
    }
    case 'auth':
      return reason === 'second_factor_required'
        ? new SecondFactorRequiredError(message)
        : new AuthError(message);
    case 'forbidden':
      return new ForbiddenError(message);
    case 'not_found':
      return new NotFoundError(message);
    case 'conflict':
      return new ConflictError(message);
    case 'expired':
      return new ExpiredError(message);
    case 'quota':
      return new QuotaError(
        message,
        used !== undefined && quota !== undefined ? { figures: { used, quota } } : undefined,
      );
    case 'rate_limited':
      return new RateLimitedError(message, retryAfterMs ?? 1000);
    case 'integrity':
      return new IntegrityError(message);
    case 'decryption':
      return new DecryptionError(message);
    default:
      return new ConnectionError(`${where}: ${message}`);
  }
}

const REASONS: Record<number, string> = {
  400: 'Bad Request',
  408: 'Request Timeout',
  431: 'Request Header Fields Too Large',
};

/**
 * The raw HTTP answer to a request too malformed for the router to see (a garbage request
 * line, oversized headers): still a 4xx with the JSON error body. Pass Node's parser error code.
 */
export function malformedRequestAnswer(parserCode: string | undefined): string {
  const status =
    parserCode === 'HPE_HEADER_OVERFLOW'
      ? 431
      : parserCode === 'ERR_HTTP_REQUEST_TIMEOUT'
        ? 408
        : 400;
  const body = JSON.stringify(
    toErrorBody(new ValidationError('request', 'malformed HTTP request')),
  );
  return (
    `HTTP/1.1 ${status} ${REASONS[status]}\r\n` +
    'content-type: application/json; charset=utf-8\r\n' +
    `content-length: ${new TextEncoder().encode(body).length}\r\n` +
    'access-control-allow-origin: *\r\n' +
    `connection: close\r\n\r\n${body}`
  );
}
