import {
  type AgreementPublicKey,
  encodeFileRequestKey,
  encodeLinkSecret,
  type LinkId,
  type LinkSecret,
  parseFileRequestKey,
  parseLinkSecret,
} from '@coffer/crypto';
import { ValidationError } from '@coffer/errors';

// The URLs Coffer hands out: https://<hub>/<segment>/<id>#<secret>. The part after # never
// reaches the hub.

export const linkUrl = (hubUrl: string, id: string, secret: LinkSecret) =>
  `${hubUrl.replace(/\/+$/, '')}/l/${id}#${encodeLinkSecret(secret)}`;

/**
 * The parts of a URL like https://hub/SEGMENT/ID#FRAGMENT (a link, a file request): a
 * ValidationError on `field` says what is wrong with it, `example` what was expected.
 */
export function parseFragmentUrl<T>(
  url: string,
  o: { segment: string; field: string; example: string; fragment: (hash: string) => T },
): { hubUrl: string; id: LinkId; secret: T } {
  const expected = `expected a ${o.example}`;
  let u: URL;
  try {
    u = new URL(url.trim());
  } catch {
    throw new ValidationError(o.field, expected);
  }
  const m = new RegExp(`^(.*)/${o.segment}/([0-9a-f]{32})/?$`).exec(u.pathname);
  if (!m) throw new ValidationError(o.field, expected);
  if (!u.hash || u.hash === '#')
    throw new ValidationError(o.field, 'the part after # is missing (copy the whole link)');
  let secret: T;
  try {
    secret = o.fragment(u.hash);
  } catch {
    throw new ValidationError(o.field, 'the part after # is damaged (copy the whole link)');
  }
  return { hubUrl: `${u.origin}${m[1]}`, id: m[2] as LinkId, secret };
}

/** The parts of a link URL; a ValidationError names what is wrong with it. */
export const parseLinkUrl = (url: string) =>
  parseFragmentUrl(url, {
    segment: 'l',
    field: 'link',
    example: 'link like https://hub/l/ID#SECRET',
    fragment: parseLinkSecret,
  });

export const requestUrl = (hubUrl: string, id: string, key: AgreementPublicKey) =>
  `${hubUrl.replace(/\/+$/, '')}/r/${id}#${encodeFileRequestKey(key)}`;

/** The parts of a file request URL; a ValidationError names what is wrong with it. */
export function parseRequestUrl(url: string) {
  const { hubUrl, id, secret } = parseFragmentUrl(url, {
    segment: 'r',
    field: 'request',
    example: 'file request link like https://hub/r/ID#KEY',
    fragment: parseFileRequestKey,
  });
  return { hubUrl, id, key: secret };
}
