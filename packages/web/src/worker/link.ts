// A public link opened by a visitor, with no account ([Note: Public links]).
import { PublicLink, toEntry } from '@coffer/sdk';
import { readStart, toBlob } from './read.ts';
import { call } from './session.ts';

/** The public link this page was opened with, for a visitor ([Note: Public links]). */
let visit: PublicLink | null = null;

function needLink(): PublicLink {
  if (!visit) throw new Error('link: open it first');
  return visit;
}

export const linkApi = {
  /** Opens a public link as a visitor (no account); what it points to. */
  linkOpen: (url: string, password?: string) =>
    call(async () => {
      visit = await PublicLink.open(url, password === undefined ? {} : { password });
      return {
        root: toEntry(visit.root),
        expiresAt: visit.expiresAt,
        downloadsLeft: visit.downloadsLeft,
      };
    }),
  linkList: (path: string) => call(async () => needLink().list(path)),
  /** The start of a text file in the link, for its preview (not a download). */
  linkReadText: (path: string, maxBytes: number) =>
    call(async () => {
      const link = needLink();
      const node = await link.resolve(path);
      return readStart(node.meta.size ?? 0, maxBytes, (range) =>
        link.download(node, { range, preview: true }),
      );
    }),
  /** A file to show on the page: a preview, which uses up no download ([Note: Link previews]). */
  linkPreview: (path: string) =>
    call(async () => {
      const link = needLink();
      const { stream, entry } = await link.download(await link.resolve(path), { preview: true });
      return { blob: await toBlob(stream, entry.mime), downloadsLeft: link.downloadsLeft };
    }),
  linkDownload: (path: string) =>
    call(async () => {
      const link = needLink();
      const node = await link.resolve(path);
      const { stream, entry } = await link.download(node);
      const blob = await toBlob(stream, entry.mime);
      return { blob, name: entry.name, downloadsLeft: link.downloadsLeft };
    }),
  /** The downloads left now (other visitors use them too). */
  linkRefresh: () => call(() => needLink().refresh()),
};
