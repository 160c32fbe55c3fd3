import type { IncomingMessage } from 'node:http';
import { AuthError, ConnectionError, ValidationError } from '@coffer/errors';
import { type Capability, type CapabilityOp, verifyCapability } from '@coffer/protocol';
import type { Ctx } from './context.ts';

// Capability tokens: every chunk route needs one, signed by the hub and checked offline.

export function authorize(
  o: Ctx,
  req: IncomingMessage,
  url: URL | null,
  op: CapabilityOp,
  chunk: string,
): Capability {
  let token: string | undefined;
  const header = req.headers.authorization;
  if (header !== undefined) {
    const m = /^Bearer +(\S+) *$/i.exec(header);
    if (!m?.[1]) throw new ValidationError('token', 'expected "Authorization: Bearer <token>"');
    token = m[1];
  } else if (url) {
    token = url.searchParams.get('token') ?? undefined;
  }
  if (!token) throw new AuthError('token: missing; send "Authorization: Bearer <token>"');
  const hubKey = o.hubKey();
  if (!hubKey) throw new ConnectionError('host: not registered with its hub yet; retry shortly');
  return verifyCapability(token, hubKey, { host: o.identity.hostId, op, chunk });
}
