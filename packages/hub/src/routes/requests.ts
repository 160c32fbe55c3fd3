import * as visitors from '../services/request-visitors.ts';
import * as requests from '../services/requests.ts';
import type { AreaHandlers } from './handler.ts';

export const requestHandlers: AreaHandlers<'file requests'> = {
  createRequest: (hub, i) => requests.createRequest(hub, i.caller, i.body),
  requests: (hub, i) => requests.requests(hub, i.caller),
  revokeRequest: (hub, i) => requests.revokeRequest(hub, i.caller, i.params.id),
  requestDrops: (hub, i) => requests.requestDrops(hub, i.caller, i.params.id),
  acceptDrops: (hub, i) => requests.acceptDrops(hub, i.caller, i.params.id, i.body),
  discardDrop: (hub, i) => requests.discardDrop(hub, i.caller, i.params.id, i.params.dropId),
  requestOpen: (hub, i) => visitors.requestOpen(hub, i.params.id, i.address),
  requestUpload: (hub, i) => visitors.requestUpload(hub, i.params.id, i.address),
  requestPlace: (hub, i) =>
    visitors.requestPlace(hub, i.params.id, i.params.uploadId, i.body, i.address),
  requestReceipts: (hub, i) =>
    visitors.requestReceipts(hub, i.params.id, i.params.uploadId, i.body, i.address),
  requestSend: (hub, i) =>
    visitors.requestSend(hub, i.params.id, i.params.uploadId, i.body, i.address),
};
