// `npm run bench:groups`: what groups cost a member on this machine. Today: catalog search,
// the time per query over 10,000 entries (GROUPS_ENTRIES), searched on the client as the CLI
// and the web app do. The direct server-to-server copy (issue 15) joins it once copies land.
// Record the figures in docs/benchmarks.md.
import { execFileSync } from 'node:child_process';
import { loadavg } from 'node:os';
import { Catalog, type CatalogEntry, KINDS } from '@coffer/sdk';

const count = Number(process.env.GROUPS_ENTRIES ?? 10_000);
const commit = (() => {
  try {
    return execFileSync('git', ['rev-parse', '--short', 'HEAD'], { encoding: 'utf8' }).trim();
  } catch {
    return 'unknown';
  }
})();
console.log(
  `commit ${commit}, load average before: ${loadavg()
    .map((l) => l.toFixed(2))
    .join(' ')}`,
);

// Names like a film and music collection: a few words from a vocabulary, a year, an extension.
const words = `amour nuit samouraï cercle rouge armée ombres jour ville lumière été hiver
  printemps automne mer montagne voyage retour dernier premier grand petit homme femme enfant
  histoire secret silence musique danse jazz blues concerto sonate live session remaster
  édition intégrale saison épisode documentaire portrait paysage famille vacances`.split(/\s+/);
let seed = 7;
const rand = (n: number) => {
  seed = (seed * 1_103_515_245 + 12_345) % 2 ** 31;
  return seed % n;
};
const pick = () => words[rand(words.length)] as string;
const entries: CatalogEntry[] = Array.from({ length: count }, (_, i) => {
  const kind = KINDS[rand(KINDS.length)] ?? 'other';
  return {
    groupId: `g${rand(5)}`,
    groupName: `Group ${rand(5)}`,
    entryId: i.toString(16).padStart(32, '0'),
    author: { accountId: `a${rand(8)}`, email: `member${rand(8)}@example.com` },
    name: `${pick()} ${pick()} ${pick()} (${1950 + rand(75)}).${kind === 'video' ? 'mkv' : kind === 'audio' ? 'flac' : 'pdf'}`,
    size: rand(4_000_000_000),
    kind,
    tags: [pick(), pick()],
    note: '',
    publishedAt: 1_700_000_000_000 + rand(100_000_000),
    updatedAt: 0,
    file: { nodeId: '0'.repeat(32), revision: 1 },
  };
});

let t = performance.now();
const catalog = new Catalog(entries);
const buildMs = performance.now() - t;
const queries = ['samou', 'nuit rouge', 'été 19', 'jazz live', 'portrait', 'zzz'];
const runs = 20;
let hits = 0;
t = performance.now();
for (let r = 0; r < runs; r++) {
  for (const q of queries) hits += catalog.find({ search: q }).length;
}
const perQuery = (performance.now() - t) / (runs * queries.length);
t = performance.now();
for (let r = 0; r < runs; r++) catalog.find({ kind: 'video', sort: 'name' });
const filterSort = (performance.now() - t) / runs;
console.log(`catalog of ${count} entries: index built in ${buildMs.toFixed(1)} ms`);
console.log(
  `search (${queries.length} queries × ${runs}, ${hits} hits): ${perQuery.toFixed(2)} ms per query`,
);
console.log(`kind filter + sort by name: ${filterSort.toFixed(2)} ms`);
