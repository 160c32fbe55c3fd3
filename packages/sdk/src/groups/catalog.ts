import { NotFoundError, ValidationError } from '@coffer/errors';

// The catalog of a user's groups, as pure functions: what kind a file is, and searching,
// filtering and sorting the entries of every shelf, on the client (the hub sees no names).

export const KINDS = ['video', 'audio', 'image', 'document', 'other'] as const;
export type Kind = (typeof KINDS)[number];

const BY_EXTENSION: Record<string, Kind> = {};
for (const [kind, exts] of Object.entries({
  video: 'mp4 m4v mkv webm mov avi wmv mpg mpeg ts m2ts flv 3gp ogv',
  audio: 'mp3 m4a aac flac wav ogg oga opus wma aiff alac mka',
  image: 'jpg jpeg png gif webp heic heif avif bmp tif tiff svg raw cr2 nef arw dng',
  document: 'pdf txt md rtf doc docx odt xls xlsx ods ppt pptx odp csv epub mobi html htm json xml',
}) as [Kind, string][]) {
  for (const e of exts.split(' ')) BY_EXTENSION[e] = kind;
}

/** A file's kind, from its MIME type when it has one, else its extension. */
export function kindOf(name: string, mime?: string | null): Kind {
  const top = mime?.split('/')[0];
  if (top === 'video' || top === 'audio' || top === 'image') return top;
  if (mime === 'application/pdf' || top === 'text') return 'document';
  const dot = name.lastIndexOf('.');
  return (dot > 0 && BY_EXTENSION[name.slice(dot + 1).toLowerCase()]) || 'other';
}

/** What the members of a group think of an entry: its ratings, checked ([Note: Ratings]). */
export interface EntryRating {
  /** The mean of the stars given (1 to 5), or null while nobody has rated it. */
  average: number | null;
  count: number;
  /** Our own rating, if we gave one. */
  mine: number | null;
}

/** One entry of the catalog, opened and checked. */
export interface CatalogEntry {
  groupId: string;
  groupName: string;
  entryId: string;
  author: { accountId: string; email: string };
  name: string;
  size: number;
  kind: Kind;
  tags: string[];
  note: string;
  publishedAt: number;
  updatedAt: number;
  /**
   * The file on the author's side, for a copy: its node and revision, and (for entries
   * published since copies exist) its file key and content hash, signed by the author with the
   * rest of the entry ([Note: Copies in the client]).
   */
  file: {
    nodeId: string;
    revision: number;
    key?: string | undefined;
    contentHash?: string | undefined;
  };
  /** The file's thumbnail (base64url WebP), when the author's file has one. */
  thumb?: string | undefined;
  /** Its ratings, when the catalog was read with them. */
  rating?: EntryRating;
}

export const CATALOG_SORTS = ['date', 'name', 'size', 'rating'] as const;
export type CatalogSort = (typeof CATALOG_SORTS)[number];

export interface CatalogQuery {
  /** Words that must each be in the name or a tag (case and accents ignored). */
  search?: string;
  kind?: Kind;
  groupId?: string;
  /** The author's email or account id. */
  member?: string;
  sort?: CatalogSort;
}

/** Lower case, no accents, words split on anything not a letter or digit. */
const fold = (s: string) => s.normalize('NFKD').replace(/\p{M}/gu, '').toLowerCase();

const collator = new Intl.Collator(undefined, { numeric: true });

const words = (s: string) =>
  fold(s)
    .split(/[^\p{L}\p{N}]+/u)
    .filter(Boolean);

/**
 * A searchable catalog: each entry's folded name and tags are computed once, so a query over
 * tens of thousands of entries is a scan of short strings.
 */
export class Catalog {
  private readonly index: { entry: CatalogEntry; text: string }[];

  /**
   * @param problems entries left out: signed by their author but broken (they do not open or
   * read), each said in words.
   */
  constructor(
    readonly entries: readonly CatalogEntry[],
    readonly problems: readonly string[] = [],
  ) {
    this.index = entries.map((entry) => ({
      entry,
      text: ` ${[...words(entry.name), ...entry.tags.flatMap(words)].join(' ')}`,
    }));
  }

  find(q: CatalogQuery = {}): CatalogEntry[] {
    const wanted = q.search ? words(q.search) : [];
    const member = q.member?.trim().toLowerCase();
    const hits = this.index
      .filter(
        ({ entry: e, text }) =>
          (!q.kind || e.kind === q.kind) &&
          (!q.groupId || e.groupId === q.groupId) &&
          (!member || e.author.email === member || e.author.accountId === member) &&
          // A word of the query matches the start of a word of the entry: "samou" finds
          // "Le Samouraï".
          wanted.every((w) => text.includes(` ${w}`)),
      )
      .map((x) => x.entry);
    const sort = q.sort ?? 'date';
    const by: Record<CatalogSort, (a: CatalogEntry, b: CatalogEntry) => number> = {
      date: (a, b) => b.publishedAt - a.publishedAt || collator.compare(a.name, b.name),
      name: (a, b) => collator.compare(a.name, b.name),
      size: (a, b) => b.size - a.size || collator.compare(a.name, b.name),
      // Best first; among equals the most rated, then the newest; unrated last.
      rating: (a, b) =>
        (b.rating?.average ?? 0) - (a.rating?.average ?? 0) ||
        (b.rating?.count ?? 0) - (a.rating?.count ?? 0) ||
        by.date(a, b),
    };
    return hits.sort(by[sort]);
  }

  /** The one entry `ref` names, as `findItem` takes it. */
  item(ref: string): CatalogEntry {
    return findItem(this.entries, ref);
  }
}

/**
 * The entry `item` names: its id or the first characters of it, or else its file name; with
 * GROUP: before it (a group's name or id), only in that group. None is a NotFoundError; more
 * than one, a ValidationError that lists them (field `item`).
 */
export function findItem<E extends CatalogEntry>(entries: readonly E[], item: string): E {
  const colon = item.lastIndexOf(':');
  const group = colon > 0 ? item.slice(0, colon) : undefined;
  const rest = (colon > 0 ? item.slice(colon + 1) : item).trim();
  if (!rest)
    throw new ValidationError(
      'item',
      `expected an entry id or its first characters, a name, or GROUP:ID (got ${JSON.stringify(item)})`,
    );
  const inGroup = entries.filter(
    (e) => group === undefined || e.groupId === group || e.groupName === group,
  );
  const prefix = rest.toLowerCase();
  const byId = /^[0-9a-f]{1,32}$/.test(prefix)
    ? inGroup.filter((e) => e.entryId.startsWith(prefix))
    : [];
  const hits = byId.length ? byId : inGroup.filter((e) => e.name === rest);
  const [first] = hits;
  if (!first) throw new NotFoundError(`item: no entry ${item} in your groups (see coffer catalog)`);
  if (hits.length > 1) {
    const named = hits
      .slice(0, 5)
      .map((e) => `${e.groupName}:${e.entryId} (${e.name})`)
      .join(', ');
    const how = byId.length ? `starts ${hits.length} entries' ids` : `names ${hits.length} entries`;
    throw new ValidationError(
      'item',
      `${item} is ambiguous: it ${how}: ${named}${hits.length > 5 ? ', …' : ''}; give more characters, or GROUP:ID`,
    );
  }
  return first;
}
