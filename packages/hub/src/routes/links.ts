import * as links from '../services/links.ts';
import type { AreaHandlers } from './handler.ts';

export const linkHandlers: AreaHandlers<'links'> = {
  createLink: (hub, i) => links.createLink(hub, i.caller, i.body),
  links: (hub, i) => links.links(hub, i.caller),
  revokeLink: (hub, i) => links.revokeLink(hub, i.caller, i.params.id),
  linkOpen: (hub, i) => links.linkOpen(hub, i.params.id, i.address),
  linkChildren: (hub, i) =>
    links.linkChildren(hub, i.params.id, i.params.nodeId, i.query, i.address),
  linkDownload: (hub, i) => links.linkDownload(hub, i.params.id, i.body, i.address),
};
