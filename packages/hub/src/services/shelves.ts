import { shelfEntryPlace, shelfEntrySigned } from '@coffer/crypto';
import { ConflictError, ForbiddenError, NotFoundError, ValidationError } from '@coffer/errors';
import type { RouteBody, RouteQuery, RouteResponse, ShelfEntryInfo } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { DbOrTx } from '../db/schema.ts';
import { inTransaction } from '../db/transaction.ts';
import { callersSigned } from './group-input.ts';
import { memberState } from './groups.ts';

// [Note: Shelves on the hub]
// Each member of a group (the owner too) has a shelf: entries sealed under the group key and
// signed by the member ([Note: Shelf entries] in crypto). The hub stores an entry only from its
// author, for the group's newest key version, once the author's signature checks out, and
// serves every shelf to the owner and to accepted members; a member who left takes their shelf
// out of the catalog (their files stay where they are). Only an entry's author changes or
// withdraws it: anyone else gets 403.

/** The group, if the caller is its owner or an accepted member; 404 otherwise. */
export async function readableGroup(db: DbOrTx, groupId: string, accountId: string) {
  const g = await db.selectFrom('groups').selectAll().where('id', '=', groupId).executeTakeFirst();
  if (g && g.owner_id === accountId) return g;
  if (!g || (await memberState(db, groupId, accountId)) !== 'member')
    throw new NotFoundError('id: you are in no such group');
  return g;
}

export async function putEntry(
  hub: Hub,
  c: Caller,
  groupId: string,
  b: RouteBody<'putShelfEntry'>,
): Promise<ShelfEntryInfo> {
  const group = await readableGroup(hub.db, groupId, c.accountId);
  const place = await callersSigned(
    hub.db,
    c.accountId,
    group,
    { field: 'entry', text: b.entry, entryId: b.entryId },
    {
      what: 'shelf entry',
      place: shelfEntryPlace,
      author: (p) => p.authorId,
      signed: shelfEntrySigned,
      ownOnly: 'only its author publishes on a shelf',
      again: 'publish again',
    },
  );
  const existing = await hub.db
    .selectFrom('shelf_entries')
    .selectAll()
    .where('group_id', '=', groupId)
    .where('entry_id', '=', b.entryId)
    .executeTakeFirst();
  if (existing && existing.author_id !== c.accountId)
    throw new ForbiddenError("entryId: another member's entry; only its author changes it");
  if (existing && place.version <= existing.version)
    throw new ConflictError(
      `entry: version ${place.version} is not above the stored version ${existing.version}`,
    );
  if (b.file) await checkOwnFile(hub.db, c, b.file);
  const now = hub.now();
  const row = {
    version: place.version,
    key_version: place.keyVersion,
    entry: b.entry,
    updated_at: now,
    file_node_id: b.file?.nodeId ?? null,
    file_revision: b.file?.revision ?? null,
  };
  if (existing) {
    const r = await hub.db
      .updateTable('shelf_entries')
      .set(row)
      .where('group_id', '=', groupId)
      .where('entry_id', '=', b.entryId)
      .where('version', '=', existing.version)
      .executeTakeFirst();
    if (Number(r.numUpdatedRows) !== 1)
      throw new ConflictError('entry: changed meanwhile; try again');
  } else {
    await hub.db
      .insertInto('shelf_entries')
      .values({
        group_id: groupId,
        entry_id: b.entryId,
        author_id: c.accountId,
        published_at: now,
        ...row,
      })
      .onConflict((oc) => oc.columns(['group_id', 'entry_id']).doNothing())
      .execute();
  }
  const stored = (await entries(hub, groupId, { ids: [b.entryId] }))[0];
  if (!stored || stored.authorId !== c.accountId || stored.version !== place.version)
    throw new ConflictError('entry: published by someone else meanwhile');
  return stored;
}

/** The file an entry offers must be a revision the author keeps of a file of their own. */
async function checkOwnFile(db: DbOrTx, c: Caller, file: { nodeId: string; revision: number }) {
  const r = await db
    .selectFrom('revisions as r')
    .innerJoin('nodes as n', 'n.id', 'r.node_id')
    .select(['n.kind', 'n.trashed_at'])
    .where('n.id', '=', file.nodeId)
    .where('n.account_id', '=', c.accountId)
    .where('r.revision', '=', file.revision)
    .executeTakeFirst();
  if (!r) throw new NotFoundError('file: you have no such file revision');
  if (r.trashed_at !== null) throw new ValidationError('file', 'is in the trash');
}

export async function withdraw(
  hub: Hub,
  c: Caller,
  groupId: string,
  entryId: string,
): Promise<void> {
  await readableGroup(hub.db, groupId, c.accountId);
  const e = await hub.db
    .selectFrom('shelf_entries')
    .select('author_id')
    .where('group_id', '=', groupId)
    .where('entry_id', '=', entryId)
    .executeTakeFirst();
  if (!e) throw new NotFoundError('entryId: no such entry in this group');
  if (e.author_id !== c.accountId)
    throw new ForbiddenError("entryId: another member's entry; only its author withdraws it");
  await inTransaction(hub.db, async (tx) => {
    await tx
      .deleteFrom('shelf_entries')
      .where('group_id', '=', groupId)
      .where('entry_id', '=', entryId)
      .execute();
    // Its ratings go with it ([Note: Ratings on the hub]).
    await tx
      .deleteFrom('entry_ratings')
      .where('group_id', '=', groupId)
      .where('entry_id', '=', entryId)
      .execute();
  });
}

export async function catalog(
  hub: Hub,
  c: Caller,
  groupId: string,
  q: RouteQuery<'groupCatalog'>,
): Promise<RouteResponse<'groupCatalog'>> {
  await readableGroup(hub.db, groupId, c.accountId);
  const limit = q.limit ?? 1000;
  const page = await entries(hub, groupId, { after: q.after, limit: limit + 1 });
  const list = page.slice(0, limit);
  return { entries: list, next: page.length > limit ? (list.at(-1)?.entryId ?? null) : null };
}

/** Entries of the owner's and accepted members' shelves, in entry id order. */
async function entries(
  hub: Hub,
  groupId: string,
  o: { ids?: string[]; after?: string | undefined; limit?: number },
): Promise<ShelfEntryInfo[]> {
  const rows = await hub.db
    .selectFrom('shelf_entries as e')
    .innerJoin('groups as g', 'g.id', 'e.group_id')
    .innerJoin('accounts as a', 'a.id', 'e.author_id')
    .leftJoin('group_members as m', (j) =>
      j.onRef('m.group_id', '=', 'e.group_id').onRef('m.account_id', '=', 'e.author_id'),
    )
    .select([
      'e.entry_id',
      'e.author_id',
      'a.email',
      'e.version',
      'e.key_version',
      'e.entry',
      'e.published_at',
      'e.updated_at',
    ])
    .where('e.group_id', '=', groupId)
    .where((eb) =>
      eb.or([eb('e.author_id', '=', eb.ref('g.owner_id')), eb('m.state', '=', 'member')]),
    )
    .$if(o.ids !== undefined, (qb) => qb.where('e.entry_id', 'in', o.ids ?? []))
    .$if(o.after !== undefined, (qb) => qb.where('e.entry_id', '>', o.after as string))
    .orderBy('e.entry_id')
    .$if(o.limit !== undefined, (qb) => qb.limit(o.limit as number))
    .execute();
  return rows.map((r) => ({
    entryId: r.entry_id,
    authorId: r.author_id,
    authorEmail: r.email,
    version: r.version,
    keyVersion: r.key_version,
    entry: r.entry,
    publishedAt: r.published_at,
    updatedAt: r.updated_at,
  }));
}
