import { formatBytes } from '../format.ts';
import type { CatalogEntry } from './catalog.ts';

// [Note: Atom feed]
// The feed as an Atom document (RFC 4287), made on the client, since only the client knows
// names: for a feed reader or a TV box on the same machine (`coffer feed --atom`, `coffer feed
// serve`). The hub never serves one. Ids are tag: URIs (RFC 4151) that never change: the
// feed's names the account, an entry's its group and entry id, so a reader that saw an entry
// once knows it again. Everything the members wrote (names, notes, tags, group names) is
// escaped, and characters XML 1.0 cannot carry at all become U+FFFD.

export const ATOM_NS = 'http://www.w3.org/2005/Atom';
const TAG = 'tag:coffer,2026:';

export interface AtomOptions {
  accountId: string;
  /** The account's email: the feed's author. */
  email: string;
  /** Newest first, as the feed has them. */
  entries: readonly CatalogEntry[];
  /** The feed's `updated` when it has no entry. */
  now: number;
  /** Where the document is served, for `<link rel="self">`. */
  selfUrl?: string;
}

// Control characters other than tab, LF and CR, lone surrogates, U+FFFE and U+FFFF.
const NOT_XML =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: what XML cannot carry is the point
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** Text as XML character data or an attribute value (in double quotes). */
export function xmlEscape(text: string): string {
  return text
    .replace(NOT_XML, '\uFFFD')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

const iso = (ms: number) => new Date(ms).toISOString();
const el = (name: string, text: string, attrs = '') =>
  `<${name}${attrs}>${xmlEscape(text)}</${name}>`;
const category = (scheme: string, term: string, label?: string) =>
  `<category scheme="${TAG}${scheme}" term="${xmlEscape(term)}"${label === undefined ? '' : ` label="${xmlEscape(label)}"`}/>`;

export const feedId = (accountId: string) => `${TAG}feed/${accountId}`;
export const entryId = (e: Pick<CatalogEntry, 'groupId' | 'entryId'>) =>
  `${TAG}entry/${e.groupId}/${e.entryId}`;

function atomEntry(e: CatalogEntry): string {
  const about = `${formatBytes(e.size)} ${e.kind} in ${e.groupName}, from ${e.author.email}`;
  const lines = [
    e.name,
    about,
    ...(e.tags.length ? [`Tags: ${e.tags.join(', ')}`] : []),
    ...(e.note ? [e.note] : []),
    ...(e.rating?.count ? [`Rated ${e.rating.average?.toFixed(1)} (${e.rating.count})`] : []),
    `Keep it: coffer keep ${e.groupId}:${e.entryId}`,
  ];
  return [
    '<entry>',
    el('id', entryId(e)),
    el('title', e.name),
    el('updated', iso(e.updatedAt)),
    el('published', iso(e.publishedAt)),
    `<author>${el('name', e.author.email)}${el('email', e.author.email)}</author>`,
    el('summary', e.note || about),
    el('content', lines.join('\n'), ' type="text"'),
    category('group', e.groupId, e.groupName),
    category('kind', e.kind),
    ...e.tags.map((t) => category('tag', t)),
    '</entry>',
  ].join('\n');
}

/** The Atom document of `entries`. */
export function atomFeed(o: AtomOptions): string {
  const updated = o.entries.reduce((t, e) => Math.max(t, e.updatedAt), 0) || o.now;
  return [
    '<?xml version="1.0" encoding="utf-8"?>',
    `<feed xmlns="${ATOM_NS}">`,
    el('id', feedId(o.accountId)),
    el('title', 'Coffer: new in your groups'),
    el('subtitle', `What the members of ${o.email}'s groups published`),
    el('updated', iso(updated)),
    `<author>${el('name', o.email)}${el('email', o.email)}</author>`,
    el('generator', 'Coffer'),
    ...(o.selfUrl
      ? [`<link rel="self" type="application/atom+xml" href="${xmlEscape(o.selfUrl)}"/>`]
      : []),
    ...o.entries.map(atomEntry),
    '</feed>',
    '',
  ].join('\n');
}
