import {
  type AccountId,
  DEFAULT_LINK_ARGON2,
  encodeLinkAuthors,
  type NodeId,
  newLinkId,
  newLinkSecret,
  type SigningPublicKey,
  toBase64Url,
  wrapForLink,
} from '@coffer/crypto';
import { ValidationError } from '@coffer/errors';
import type { LinkInfo } from '@coffer/protocol';
import { refuseRepeats } from './checks.ts';
import type { HubClient } from './hub-client.ts';
import { type AccountKeys, type Author, keysOfAuthor } from './keys.ts';
import type { TreeAccess } from './tree.ts';
import { linkUrl } from './urls.ts';

// [Note: Public links]
// A link is https://<hub>/l/<linkId>#<secret>: the hub stores the node key wrapped under the
// secret (and a password, if any) with the authors to trust ([Note: Link envelope], [Note:
// Link authors]); the fragment never leaves the browser. A visitor opens the envelope, then
// opens the node and everything under it exactly as an account does: each child under its
// parent's key, each node and manifest signed by one of the link's authors.

export interface LinkOptions {
  /** Argon2id-protected: the visitor needs it as well as the URL. */
  password?: string;
  /** When the link stops working (ms since the epoch). */
  expiresAt?: number;
  /** How many file downloads it allows. */
  maxDownloads?: number;
}

export interface CreatedLink extends LinkInfo {
  /** The whole link, secret included: give it to whoever should open it. */
  url: string;
}

/** What making links needs: the hub, our keys, the tree by path, our earlier signing keys. */
export interface LinksDeps {
  hub: HubClient;
  keys: AccountKeys;
  tree: Pick<TreeAccess, 'resolve'>;
  ownPreviousKeys(): Promise<SigningPublicKey[]>;
}

/** Your public links ([Note: Public links]). */
export class Links {
  constructor(private readonly deps: LinksDeps) {}

  /** Makes a link to the file or folder at `path`. */
  async create(path: string, o: LinkOptions = {}): Promise<CreatedLink> {
    const node = await this.deps.tree.resolve(path);
    if (node.info.parentId === null)
      throw new ValidationError('path', 'is your root folder; link a file or folder inside it');
    if (o.password !== undefined && o.password.length === 0)
      throw new ValidationError('password', 'must not be empty');
    if (o.expiresAt !== undefined && !(o.expiresAt > Date.now()))
      throw new ValidationError('expires', 'must be in the future');
    if (o.maxDownloads !== undefined && !(Number.isInteger(o.maxDownloads) && o.maxDownloads >= 1))
      throw new ValidationError('downloads', 'expected a whole number of at least 1');
    const id = newLinkId();
    const secret = newLinkSecret();
    const authors = encodeLinkAuthors(
      (node.authors ?? [await this.ownAuthor()]).flatMap((a) =>
        keysOfAuthor(a).map((k) => ({ accountId: a.accountId as AccountId, signingPublic: k })),
      ),
    );
    const place = { linkId: id, nodeId: node.info.id as NodeId, kind: node.kind, authors };
    const envelope = await wrapForLink(node.key, secret, place, o.password, DEFAULT_LINK_ARGON2);
    const info = await this.deps.hub.call('createLink', {
      body: {
        id,
        nodeId: node.info.id,
        envelope: toBase64Url(envelope),
        authors: toBase64Url(authors),
        ...(o.expiresAt !== undefined ? { expiresAt: Math.floor(o.expiresAt) } : {}),
        ...(o.maxDownloads !== undefined ? { maxDownloads: o.maxDownloads } : {}),
      },
    });
    return { ...info, url: linkUrl(this.deps.hub.hubUrl, id, secret) };
  }

  /** Your links, newest first (the secrets are not kept: a link's URL is shown once). */
  async list(): Promise<LinkInfo[]> {
    const { links } = await this.deps.hub.call('links', {});
    refuseRepeats(
      links,
      (l) => l.id,
      'links',
      (l) => `link ${l.id}`,
    );
    return links;
  }

  /** Revokes a link: it opens nothing from now on. */
  async revoke(id: string): Promise<void> {
    if (!/^[0-9a-f]{32}$/.test(id)) throw new ValidationError('id', 'expected a link id');
    await this.deps.hub.call('revokeLink', { params: { id } });
  }

  private async ownAuthor(): Promise<Author> {
    return {
      accountId: this.deps.keys.accountId,
      signingPublic: this.deps.keys.identity.signingPublic,
      older: await this.deps.ownPreviousKeys(),
    };
  }
}
