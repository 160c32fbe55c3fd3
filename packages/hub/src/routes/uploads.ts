import * as audits from '../services/audits.ts';
import * as uploads from '../services/uploads.ts';
import type { AreaHandlers } from './handler.ts';

export const uploadHandlers: AreaHandlers<'transfers'> = {
  createUpload: (hub, i) => uploads.createUpload(hub, i.caller),
  getUpload: (hub, i) => uploads.getUpload(hub, i.caller, i.params.id),
  placeChunks: (hub, i) => uploads.placeChunks(hub, i.caller, i.params.id, i.body),
  addReceipts: (hub, i) => uploads.addReceipts(hub, i.caller, i.params.id, i.body),
  commitUpload: (hub, i) => uploads.commitUpload(hub, i.caller, i.params.id, i.body),
  locateChunks: (hub, i) => uploads.locateChunks(hub, i.caller, i.body),
  reportChunk: (hub, i) => audits.reportChunk(hub, i.caller, i.body),
};
