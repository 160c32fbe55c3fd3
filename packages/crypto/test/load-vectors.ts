import { readdirSync, readFileSync } from 'node:fs';
import type { Vectors } from './vectors.ts';

export function loadVectors(): Vectors {
  const dir = new URL('./vectors/', import.meta.url);
  return Object.fromEntries(
    readdirSync(dir)
      .filter((f) => f.endsWith('.json'))
      .map((f) => [f.replace(/\.json$/, ''), JSON.parse(readFileSync(new URL(f, dir), 'utf8'))]),
  );
}
