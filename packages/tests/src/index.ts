/**
 * @coffer/tests: integration tests that start real hubs and hosts as separate processes on
 * random loopback ports and drive them through public entry points only: the `coffer` CLI,
 * the SDK and plain HTTP.
 */

export type { HostFigures } from './accounting.ts';
export { accountingDrift, quickCleanup } from './accounting.ts';
export { accessibilityViolations } from './axe.ts';
export {
  CHROMIUM,
  foreignRequests,
  launchChromium,
  logInInPage,
  screenshotDir,
  serveBrowserBundle,
  signUpInPage,
  unnamedControls,
} from './browser.ts';
export type { Cluster, Haproxy } from './cluster.ts';
export { haproxyInstalled, startCluster, startHaproxy } from './cluster.ts';
export {
  corruptStoredChunk,
  holdsOnDisk,
  placementOf,
  replicasOf,
  segmentFiles,
} from './hosts.ts';
export type { RawRequest, RawResponse } from './http.ts';
export { parseRawAnswer, postJson, rawHttp, rawRequest } from './http.ts';
export { hubSql } from './hub-db.ts';
export type { LoadOptions, LoadResult } from './load/run.ts';
export { loadTable, runLoad } from './load/run.ts';
export { hubMetricsText, hubNetworkBytes, hubRouteCount, hubServerErrors } from './metrics.ts';
export { clientNetworkBytes, countingClientEnv } from './net-bytes.ts';
export type { Cli, Dialect, Network, NetworkOptions, Proc, RunningCli } from './network.ts';
export {
  cli,
  onEachDatabase,
  PG_URL,
  postgresAvailable,
  startCli,
  startNetwork,
  tempDir,
} from './network.ts';
export { signedUpPeople, twoDevices } from './people.ts';
export type {
  BytesRewrite,
  JsonRewrite,
  ProxiedRequest,
  TamperProxy,
} from './tamper-proxy.ts';
export { rejectsAfterLie, startTamperProxy } from './tamper-proxy.ts';
export { until } from './until.ts';
export type { XmlElement } from './xml.ts';
export { readXml } from './xml.ts';
