import { type AccountId, fromBase64Url, type NodeId, verifyMemberList } from '@coffer/crypto';
import { ConflictError, IntegrityError, ValidationError } from '@coffer/errors';
import type { RouteBody, RouteResponse, ShareInfo } from '@coffer/protocol';
import type { Caller, Hub } from '../context.ts';
import type { DbOrTx, NodesTable, SharesTable } from '../db/schema.ts';
import { slices } from '../db/slices.ts';
import { inTransaction } from '../db/transaction.ts';
import { ownNode, ownShare } from './access.ts';
import { checkSealedKeys, signingKeyOf } from './account-keys.ts';
import { recordChanges, recordShareRoots } from './change-log.ts';
import { ancestry, nodeInfo } from './nodes.ts';
import { applyRekey } from './rekey.ts';

// [Note: Shares on the hub]
// A share makes one folder of its owner's readable to its members, and writable to those whose
// role is write. The hub enforces that for every route through `shareAccess`; the members do
// not rely on it: they check the owner's signed member list and the author of what they read
// (docs/security.md §10). The hub checks the list's signature against the owner's key bundle
// too, so an honest hub never stores a list the owner did not sign. Shares do not nest.

export async function putShare(hub: Hub, c: Caller, b: RouteBody<'putShare'>): Promise<ShareInfo> {
  const folder = await ownNode(hub.db, c, b.nodeId, 'nodeId');
  if (folder.kind !== 'folder') throw new ValidationError('nodeId', 'is a file; share its folder');
  if (folder.parent_id === null)
    throw new ValidationError('nodeId', 'is your root folder; share a folder inside it');
  if (folder.trashed_at !== null) throw new ConflictError('nodeId: that folder is in the trash');

  const existing = await hub.db
    .selectFrom('shares')
    .selectAll()
    .where('id', '=', b.id)
    .executeTakeFirst();
  if (existing && existing.owner_id !== c.accountId)
    throw new ConflictError('id: a share with this id already exists');
  if (existing && existing.node_id !== b.nodeId)
    throw new ValidationError('nodeId', 'a share keeps the folder it was made for');
  if (!existing) {
    const mine = await hub.db
      .selectFrom('shares')
      .select(['id', 'node_id'])
      .where('owner_id', '=', c.accountId)
      .execute();
    for (const s of mine) {
      if (s.node_id === b.nodeId)
        throw new ConflictError(`nodeId: that folder is already shared (share ${s.id})`);
      if (
        (await ancestry(hub.db, b.nodeId)).includes(s.node_id) ||
        (await ancestry(hub.db, s.node_id)).includes(b.nodeId)
      )
        throw new ConflictError(
          `nodeId: a folder above or below it is already shared (share ${s.id}); shares do not nest`,
        );
    }
  }

  let list: Awaited<ReturnType<typeof verifyMemberList>>['list'];
  try {
    ({ list } = await verifyMemberList(
      fromBase64Url(b.memberList, 'memberList'),
      { shareId: b.id, folderId: b.nodeId as NodeId, ownerId: c.accountId as AccountId },
      await signingKeyOf(hub.db, c.accountId),
    ));
  } catch (e) {
    if (!(e instanceof IntegrityError || e instanceof ValidationError)) throw e;
    throw new ValidationError(
      'memberList',
      `not a list signed by you for this share (${e.message})`,
    );
  }
  if (existing && list.version <= existing.list_version)
    throw new ConflictError(
      `memberList: version ${list.version} is not above the stored version ${existing.list_version}`,
    );
  if (existing && list.keyVersion < existing.key_version)
    throw new ValidationError('memberList', 'the key version cannot go down');

  const allowed = await checkSealedKeys(hub.db, 'memberList', {
    ownerId: c.accountId,
    memberIds: list.members.map((m) => m.accountId as string),
    keyVersion: list.keyVersion,
    keys: b.keys,
  });

  const now = hub.now();
  await inTransaction(hub.db, async (tx) => {
    const rekeyed =
      existing && list.keyVersion > existing.key_version
        ? await applyRekey(tx, existing, list.keyVersion, now)
        : [];
    const stored = await tx
      .selectFrom('share_keys')
      .select('account_id')
      .where('share_id', '=', b.id)
      .where('key_version', '=', list.keyVersion)
      .execute();
    const keyed = new Set([
      ...stored.map((k) => k.account_id),
      ...b.keys.filter((k) => k.keyVersion === list.keyVersion).map((k) => k.accountId),
    ]);
    const keyless = [...allowed].find((id) => !keyed.has(id));
    if (keyless)
      throw new ValidationError(
        'keys',
        `no folder key of version ${list.keyVersion} for ${keyless}`,
      );
    if (existing) {
      const r = await tx
        .updateTable('shares')
        .set({
          list_version: list.version,
          key_version: list.keyVersion,
          member_list: b.memberList,
          updated_at: now,
        })
        .where('id', '=', b.id)
        .where('list_version', '=', existing.list_version)
        .executeTakeFirst();
      if (Number(r.numUpdatedRows) === 0)
        throw new ConflictError('memberList: the share changed meanwhile; read it and retry');
    } else {
      await tx
        .insertInto('shares')
        .values({
          id: b.id,
          node_id: b.nodeId,
          owner_id: c.accountId,
          list_version: list.version,
          key_version: list.keyVersion,
          member_list: b.memberList,
          created_at: now,
          updated_at: now,
        })
        .execute();
    }
    const before = await tx
      .selectFrom('share_members')
      .select(['account_id', 'added_at'])
      .where('share_id', '=', b.id)
      .execute();
    const addedAt = new Map(before.map((m) => [m.account_id, m.added_at]));
    await tx.deleteFrom('share_members').where('share_id', '=', b.id).execute();
    if (list.members.length) {
      await tx
        .insertInto('share_members')
        .values(
          list.members.map((m) => ({
            share_id: b.id,
            account_id: m.accountId,
            role: m.role,
            added_at: addedAt.get(m.accountId) ?? now,
          })),
        )
        .execute();
    }
    // Told after the members change: a removed member hears the folder went, not its new keys.
    await recordChanges(
      hub,
      tx,
      rekeyed.map((node) => ({ node })),
    );
    await tellMembers(
      hub,
      tx,
      b.id,
      folder,
      before.map((m) => m.account_id),
      list.members.map((m) => m.accountId as string),
    );
    // A removed member keeps nothing the hub can hand out, and after a rotation nobody needs
    // the older folder keys: nothing is under them any more.
    await tx
      .deleteFrom('share_keys')
      .where('share_id', '=', b.id)
      .where((w) =>
        w.or([w('account_id', 'not in', [...allowed]), w('key_version', '<', list.keyVersion)]),
      )
      .execute();
    for (const k of b.keys) {
      await tx
        .deleteFrom('share_keys')
        .where('share_id', '=', b.id)
        .where('account_id', '=', k.accountId)
        .where('key_version', '=', k.keyVersion)
        .execute();
      await tx
        .insertInto('share_keys')
        .values({
          share_id: b.id,
          account_id: k.accountId,
          key_version: k.keyVersion,
          sealed: k.sealed,
        })
        .execute();
    }
  });
  const row = await hub.db
    .selectFrom('shares')
    .selectAll()
    .where('id', '=', b.id)
    .executeTakeFirstOrThrow();
  return shareInfo(hub, row, c, 'owner');
}

async function shareInfo(
  hub: Hub,
  s: SharesTable,
  c: Caller,
  role: ShareInfo['role'],
): Promise<ShareInfo> {
  const [folder, owner, members, keys] = await Promise.all([
    hub.db.selectFrom('nodes').selectAll().where('id', '=', s.node_id).executeTakeFirstOrThrow(),
    hub.db
      .selectFrom('accounts')
      .select('email')
      .where('id', '=', s.owner_id)
      .executeTakeFirstOrThrow(),
    hub.db
      .selectFrom('share_members as m')
      .innerJoin('accounts as a', 'a.id', 'm.account_id')
      .select(['a.id', 'a.email'])
      .where('m.share_id', '=', s.id)
      .orderBy('a.email')
      .execute(),
    hub.db
      .selectFrom('share_keys')
      .select(['key_version', 'sealed'])
      .where('share_id', '=', s.id)
      .where('account_id', '=', c.accountId)
      .orderBy('key_version')
      .execute(),
  ]);
  return {
    id: s.id,
    nodeId: s.node_id,
    ownerId: s.owner_id,
    ownerEmail: owner.email,
    role,
    memberList: s.member_list,
    keyVersion: Number(s.key_version),
    keys: keys.map((k) => ({ keyVersion: Number(k.key_version), sealed: k.sealed })),
    members: members.map((m) => ({ accountId: m.id, email: m.email })),
    folder: nodeInfo(folder),
  };
}

export async function shares(hub: Hub, c: Caller): Promise<RouteResponse<'shares'>> {
  const outgoing = await hub.db
    .selectFrom('shares')
    .selectAll()
    .where('owner_id', '=', c.accountId)
    .orderBy('created_at')
    .execute();
  const incoming = await hub.db
    .selectFrom('shares as s')
    .innerJoin('share_members as m', 'm.share_id', 's.id')
    .selectAll('s')
    .select('m.role')
    .where('m.account_id', '=', c.accountId)
    .orderBy('s.created_at')
    .execute();
  return {
    outgoing: await Promise.all(outgoing.map((s) => shareInfo(hub, s, c, 'owner'))),
    incoming: await Promise.all(incoming.map(({ role, ...s }) => shareInfo(hub, s, c, role))),
  };
}

export async function deleteShare(hub: Hub, c: Caller, id: string): Promise<void> {
  const share = await ownShare(hub.db, c, id);
  await inTransaction(hub.db, async (tx) => {
    const folder = await tx
      .selectFrom('nodes')
      .selectAll()
      .where('id', '=', share.node_id)
      .executeTakeFirstOrThrow();
    const members = await tx
      .selectFrom('share_members')
      .select('account_id')
      .where('share_id', '=', id)
      .execute();
    await tellMembers(
      hub,
      tx,
      id,
      folder,
      members.map((m) => m.account_id),
      [],
    );
    await forgetShare(tx, id);
  });
}

/** Tells members added that the shared folder appeared, and those removed that it went. */
async function tellMembers(
  hub: Hub,
  tx: DbOrTx,
  shareId: string,
  folder: NodesTable,
  before: readonly string[],
  after: readonly string[],
) {
  const had = new Set(before);
  const has = new Set(after);
  await recordShareRoots(hub, tx, [
    ...after
      .filter((m) => !had.has(m))
      .map((accountId) => ({ node: folder, shareId, accountId, deleted: false })),
    ...before
      .filter((m) => !has.has(m))
      .map((accountId) => ({ node: folder, shareId, accountId, deleted: true })),
  ]);
}

/** Forgets the shares of folders that are purged (in the purge's transaction). */
export async function forgetSharesOf(tx: DbOrTx, nodeIds: readonly string[]): Promise<void> {
  for (const part of slices(nodeIds)) {
    const shares = await tx
      .selectFrom('shares')
      .select('id')
      .where('node_id', 'in', part)
      .execute();
    for (const { id } of shares) await forgetShare(tx, id);
  }
}

async function forgetShare(tx: DbOrTx, id: string) {
  for (const table of ['share_keys', 'share_members', 'rekey_nodes', 'rekey_revisions'] as const)
    await tx.deleteFrom(table).where('share_id', '=', id).execute();
  await tx.deleteFrom('shares').where('id', '=', id).execute();
}
