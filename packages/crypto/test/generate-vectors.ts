// Regenerates test/vectors/*.json. Run only when a format changes on purpose (and bump its
// version byte): `npm run vectors -w @coffer/crypto`.
import { writeFileSync } from 'node:fs';
import { makeVectors } from './vectors.ts';

const vectors = await makeVectors();
for (const [name, list] of Object.entries(vectors)) {
  writeFileSync(
    new URL(`./vectors/${name}.json`, import.meta.url),
    `${JSON.stringify(list, null, 2)}\n`,
  );
}
console.log(`wrote ${Object.keys(vectors).length} vector files`);
