import type { Network } from './network.ts';

/** The hub's /metrics text, read with the operator token. */
export async function hubMetricsText(net: Pick<Network, 'hubUrl' | 'operatorToken'>) {
  const res = await fetch(`${net.hubUrl}/metrics`, {
    headers: { authorization: `Bearer ${net.operatorToken}` },
  });
  if (res.status !== 200) throw new Error(`/metrics: ${res.status} ${await res.text()}`);
  return res.text();
}

/** How many 2xx answers the hub has given on one route (`children`, `lookupContact`…). */
export async function hubRouteCount(
  net: Pick<Network, 'hubUrl' | 'operatorToken'>,
  route: string,
): Promise<number> {
  const m = (await hubMetricsText(net)).match(
    new RegExp(`coffer_hub_http_responses_total\\{route="${route}",class="2xx"\\} (\\d+)`),
  );
  return Number(m?.[1] ?? 0);
}

/**
 * How many 5xx answers the hub has given since it started, summed over every route and status
 * (`coffer_hub_http_errors_total`). A load test asserts it stays 0: the SDK retries a 5xx,
 * so a server bug would otherwise show only as a stall.
 */
export async function hubServerErrors(
  net: Pick<Network, 'hubUrl' | 'operatorToken'>,
): Promise<number> {
  let total = 0;
  for (const line of (await hubMetricsText(net)).split('\n')) {
    const m = /^coffer_hub_http_errors_total\{[^}]*\} (\d+(?:\.\d+)?(?:e\+?\d+)?)$/.exec(line);
    if (m) total += Number(m[1]);
  }
  return total;
}

/** Every byte the hub has sent and received on its HTTP connections since it started. */
export async function hubNetworkBytes(net: Pick<Network, 'hubUrl' | 'operatorToken'>) {
  let total = 0;
  for (const line of (await hubMetricsText(net)).split('\n')) {
    const m = /^coffer_hub_network_bytes_total\{direction="\w+"\} (\S+)$/.exec(line);
    if (m) total += Number(m[1]);
  }
  return total;
}
