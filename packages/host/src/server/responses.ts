import type { ServerResponse } from 'node:http';
import { type CofferError, ValidationError } from '@coffer/errors';
import { STATUS, toErrorBody } from '@coffer/protocol';

// Answers: JSON bodies, errors with their status, and the errors that pick their own.

/** An error answered with a status other than the one its code maps to (405, 413, 416). */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly error: CofferError,
    readonly headers: Record<string, string> = {},
  ) {
    super(error.message);
  }
}

/** The client went away in the middle of its request: nobody is left to answer. */
export class ClientGone extends Error {}

export const truncate = (s: string | undefined) =>
  !s ? '' : s.length > 200 ? `${s.slice(0, 200)}...` : s;

export function sendJson(
  res: ServerResponse,
  status: number,
  body: unknown,
  headers: Record<string, string> = {},
): void {
  if (res.headersSent || res.destroyed) {
    res.destroy();
    return;
  }
  const text = JSON.stringify(body);
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': String(Buffer.byteLength(text)),
    ...headers,
  });
  res.end(text);
}

export function sendError(
  res: ServerResponse,
  e: CofferError,
  status = STATUS[e.code],
  headers: Record<string, string> = {},
): void {
  sendJson(res, status, toErrorBody(e), headers);
}

export function noContent(res: ServerResponse): void {
  res.writeHead(204);
  res.end();
}

export const notAllowed = (allow: string) =>
  new HttpError(405, new ValidationError('method', `expected one of ${allow}`), { allow });
