// The owner's side of public links ([Note: Public links]): making one, listing them, revoking.
import type { LinkOptions } from '@coffer/sdk';
import { call, need } from './session.ts';

// A link's secret is in its URL only and the hub never keeps it, so the whole URL can be shown
// again only for links made in this tab: kept here, in the worker's memory, never stored.
const madeHere = new Map<string, string>();

export const linksApi = {
  /** Makes a link to the item at `path`; its whole URL, secret included. */
  linkCreate: (path: string, o: LinkOptions) =>
    call(async () => {
      const made = await need().links.create(path, o);
      madeHere.set(made.id, made.url);
      return { id: made.id, url: made.url };
    }),
  /** Our links, newest first, each with what it points to and its URL when this tab made it. */
  links: () =>
    call(async () => {
      const c = need();
      return Promise.all(
        (await c.links.list()).map(async (l) => {
          const node = await c
            .openById(l.nodeId as Parameters<typeof c.openById>[0])
            .catch(() => null);
          return {
            ...l,
            path: node ? await c.pathOf(node) : null,
            url: madeHere.get(l.id) ?? null,
          };
        }),
      );
    }),
  linkRevoke: (id: string) => call(() => need().links.revoke(id)),
};
