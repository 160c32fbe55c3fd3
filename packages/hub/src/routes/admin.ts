import * as admin from '../services/admin.ts';
import * as audits from '../services/audits.ts';
import * as copies from '../services/copy-orders.ts';
import * as history from '../services/history.ts';
import * as hosts from '../services/hosts.ts';
import type { AreaHandlers } from './handler.ts';

export const adminHandlers: AreaHandlers<'admin'> = {
  adminHosts: (hub) => hosts.adminHosts(hub),
  adminApproveHost: (hub, i) => hosts.approve(hub, i.params.id),
  adminUpdateHost: (hub, i) => hosts.updateHost(hub, i.params.id, i.body),
  adminAudit: (hub, i) => audits.adminAudit(hub, i.body),
  adminStats: (hub) => admin.stats(hub),
  adminHistory: (hub, i) => history.history(hub, i.query.since),
  adminPlacement: (hub, i) => admin.placement(hub, i.params.id),
  adminCreateCopy: (hub, i) => copies.createCopyJob(hub, i.body),
  adminCopy: (hub, i) => copies.copyProgress(hub, i.params.id),
};
