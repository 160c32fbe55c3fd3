// `npm run bench:webdav`: the WebDAV gateway (issue 19) moving one large file, against the same
// file copied on this machine, in the same run. A hub and 2 hosts (startNetwork, as the tests
// run them), one account, `coffer webdav` as a user runs it.
//
// 1. PUT: curl sends WEBDAV_BENCH_MIB (1024) MiB chunked (no Content-Length, as Finder does);
//    timed from curl's start to its exit, when the gateway has committed the revision.
// 2. GET: curl downloads it whole to a file, then compared byte for byte (not timed).
// 3. Peak RSS: VmHWM of the gateway's process (the node process that runs the CLI) after both.
// 4. Baselines: `cp` of the file, and `rclone copyto` of it between two local folders.
import { spawn, spawnSync } from 'node:child_process';
import { createReadStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startNetwork } from '@coffer/tests';
import { writeRandomFile } from '@coffer/tests/files';
import { peakRss, signedUp, startWebdav } from '@coffer/tests/webdav';
import { commit, load } from '../run-info.ts';

const MIB = Number(process.env.WEBDAV_BENCH_MIB ?? 1024);
const SIZE = MIB * 1024 * 1024;

console.log(`commit ${commit}, load average before: ${load()}`);
const work = await mkdtemp(join(tmpdir(), 'coffer-davbench-'));
const net = await startNetwork({ hosts: 2 });
try {
  const dav = await startWebdav(await signedUp(net, 'bench'));
  const file = join(work, 'big.bin');
  await writeRandomFile(file, SIZE, 3);

  const run = (cmd: string, args: string[], input?: string) =>
    new Promise<number>((resolve, reject) => {
      const t = performance.now();
      const child = spawn(cmd, args, { stdio: [input ? 'pipe' : 'ignore', 'ignore', 'inherit'] });
      if (input && child.stdin) createReadStream(input).pipe(child.stdin);
      child.on('error', reject);
      child.on('close', (code) =>
        code === 0
          ? resolve((performance.now() - t) / 1000)
          : reject(new Error(`${cmd} exited ${code}`)),
      );
    });
  const auth = ['-sS', '--fail', '-u', `${dav.user}:${dav.password}`];
  const rate = (s: number) => `${(MIB / s).toFixed(1)} MiB/s`;

  const put = await run('curl', [...auth, '-T', '-', `${dav.url}big.bin`], file);
  const get = await run('curl', [...auth, '-o', join(work, 'back.bin'), `${dav.url}big.bin`]);
  const rss = await peakRss(dav.run.child.pid as number);
  const same = spawnSync('cmp', [file, join(work, 'back.bin')]).status === 0;
  await rm(join(work, 'back.bin'));
  const cp = await run('cp', [file, join(work, 'cp.bin')]);
  await rm(join(work, 'cp.bin'));
  const rclone = await run('rclone', ['copyto', file, join(work, 'rc', 'big.bin')]);

  console.log(`\n| ${MIB} MiB | s | rate |\n|---|---|---|`);
  console.log(`| gateway PUT (curl, chunked) | ${put.toFixed(1)} | ${rate(put)} |`);
  console.log(`| gateway GET (curl) | ${get.toFixed(1)} | ${rate(get)} |`);
  console.log(`| cp, local | ${cp.toFixed(1)} | ${rate(cp)} |`);
  console.log(`| rclone copyto, local | ${rclone.toFixed(1)} | ${rate(rclone)} |`);
  console.log(
    `\ngateway peak RSS: ${(rss / 1048576).toFixed(0)} MiB for a ${MIB} MiB file; bytes back identical: ${same}`,
  );
  console.log(`load average after: ${load()}`);
  await dav.stop();
} finally {
  await net.close();
  await rm(work, { recursive: true, force: true });
}
