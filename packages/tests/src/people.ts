import assert from 'node:assert/strict';
import { join } from 'node:path';
import { cli, type Network } from './network.ts';

/**
 * Several people using the CLI on one network, each with a config folder of their own and
 * signed up as NAME@example.com with password `pw`: `env(who)` for `cli`, and `run(who, args)`
 * for a command that must succeed, with its `--json` answer.
 */
export async function signedUpPeople(net: Network, names: readonly string[]) {
  const envs = new Map<string, Record<string, string>>();
  for (const who of names) {
    const env = {
      ...net.env,
      COFFER_PASSWORD: 'pw',
      COFFER_CONFIG_DIR: join(net.dir, `${who}-config`),
    };
    envs.set(who, env);
    const r = await cli(['signup', `${who}@example.com`], env);
    assert.equal(r.code, 0, r.stderr);
  }
  const env = (who: string) => {
    const e = envs.get(who);
    assert.ok(e, `no one called ${who}`);
    return e;
  };
  const run = async <T>(who: string, args: string[]) => {
    const r = await cli([...args, '--json'], env(who));
    assert.equal(r.code, 0, `${who}: ${args.join(' ')}: ${r.stderr}`);
    return { ...r, value: r.json<T>() };
  };
  /** `owner` creates group `name`, inviting `members`, who accept; returns the group's id. */
  const formGroup = async (owner: string, name: string, members: readonly string[]) => {
    const invites = members.flatMap((m) => ['--invite', `${m}@example.com`]);
    const { value } = await run<{ id: string }>(owner, ['group', 'create', name, ...invites]);
    for (const m of members) await run(m, ['group', 'accept', name]);
    return value.id;
  };
  return { env, run, formGroup };
}

/**
 * One account on two devices, as a user has them: `NAME@example.com` signed up from device
 * A's config folder and logged in from device B's (password `pw`); the `cli` env of each.
 */
export async function twoDevices(net: Network, name: string) {
  const env = (device: string) => ({
    ...net.env,
    COFFER_PASSWORD: 'pw',
    COFFER_CONFIG_DIR: join(net.dir, `${name}-${device}-config`),
  });
  const a = env('a');
  const b = env('b');
  const up = await cli(['signup', `${name}@example.com`], a);
  assert.equal(up.code, 0, up.stderr);
  const login = await cli(['login', `${name}@example.com`], b);
  assert.equal(login.code, 0, login.stderr);
  return { a, b };
}
