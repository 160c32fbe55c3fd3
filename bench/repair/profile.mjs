// Preload for `BENCH_REPAIR_PROF=1 npm run bench:repair` (see bench/repair/run.ts): in each hub
// and host process, starts the CPU profiler on SIGUSR2 (the bench sends it just before it kills
// the host) and writes the profile to $BENCH_REPAIR_PROF_DIR when the process exits, so the
// profile covers the repair only, not the upload before it. --cpu-prof is not allowed in
// NODE_OPTIONS, hence the inspector.
import { writeFileSync } from 'node:fs';
import { Session } from 'node:inspector';

const role = process.argv[2];
const dir = process.env.BENCH_REPAIR_PROF_DIR;
if (dir && (role === 'hub' || role === 'host')) {
  const session = new Session();
  session.connect();
  session.post('Profiler.enable');
  session.post('Profiler.setSamplingInterval', { interval: 500 });
  let started = false;
  process.on('SIGUSR2', () => {
    started = true;
    session.post('Profiler.start');
  });
  process.on('exit', () => {
    if (!started) return;
    // A session on the main thread answers synchronously, so this runs before the exit.
    session.post('Profiler.stop', (err, result) => {
      if (!err)
        writeFileSync(`${dir}/${role}-${process.pid}.cpuprofile`, JSON.stringify(result.profile));
    });
  });
}
