import type { Hub } from '../context.ts';
import { hostViews } from './host-state.ts';
import { hostAllowed } from './placement.ts';

/**
 * Whether an upload can be placed now under the network's policy: online, approved hosts
 * with room, allowed by the policy, in at least `replicas` distinct countries. When not, the
 * reason says what is missing, for an operator reading a load balancer's health check.
 */
export async function readiness(hub: Hub): Promise<{ ready: boolean; reason?: string }> {
  const policy = hub.config.placement;
  const hosts = await hostViews(hub);
  const fits = hosts.filter((h) => hostAllowed(policy, h));
  const usable = fits.filter(
    (h) => h.online && h.capacity - Math.max(h.used_bytes, h.stored_bytes) > 0,
  );
  const countries = [...new Set(usable.map((h) => h.country))].sort();
  if (countries.length >= policy.replicas) return { ready: true };
  const pending = hosts.filter((h) => h.state === 'pending').length;
  const offline = fits.filter((h) => !h.online && h.state === 'active').length;
  const full = fits.filter(
    (h) => h.online && h.capacity - Math.max(h.used_bytes, h.stored_bytes) <= 0,
  ).length;
  const have = countries.length
    ? `${countries.length} (${countries.join(', ')})`
    : hosts.length
      ? 'none'
      : 'none: no host has registered yet';
  const notes = [
    pending ? `${pending} awaiting the operator's approval` : '',
    offline ? `${offline} offline` : '',
    full ? `${full} full` : '',
  ].filter(Boolean);
  return {
    ready: false,
    reason:
      `the placement policy needs online, approved hosts with room in ${policy.replicas} countries; ` +
      `countries with one: ${have}${notes.length ? `; other hosts: ${notes.join(', ')}` : ''}`,
  };
}
