import assert from 'node:assert/strict';
import { test } from 'node:test';
import {
  type Answer,
  type Conflict,
  nextFreeName,
  resolveConflicts,
} from '../src/upload-conflicts/resolve.ts';

test('the next free name counts from (1), before the extension, past the names taken', () => {
  assert.equal(nextFreeName('a.txt', new Set()), 'a.txt');
  assert.equal(nextFreeName('a.txt', new Set(['a.txt'])), 'a (1).txt');
  assert.equal(nextFreeName('a.txt', new Set(['a.txt', 'a (1).txt', 'a (2).txt'])), 'a (3).txt');
  assert.equal(nextFreeName('a.txt', new Set(['a.txt', 'a (2).txt'])), 'a (1).txt');
  assert.equal(nextFreeName('notes', new Set(['notes'])), 'notes (1)');
  assert.equal(nextFreeName('.bashrc', new Set(['.bashrc'])), '.bashrc (1)');
  assert.equal(nextFreeName('x.tar.gz', new Set(['x.tar.gz'])), 'x.tar (1).gz');
});

const existing = new Map<string, 'file' | 'folder'>([
  ['a.txt', 'file'],
  ['b.txt', 'file'],
  ['c.txt', 'file'],
  ['docs', 'folder'],
  ['a (1).txt', 'file'],
]);
const picked = (...rels: string[]) => rels.map((rel) => ({ rel }));
const answering = (...answers: Answer[]) => {
  const asked: Conflict[] = [];
  return {
    asked,
    ask: async (c: Conflict) => {
      asked.push(c);
      const a = answers.shift();
      if (!a) throw new Error(`asked once too often, about ${c.name}`);
      return a;
    },
  };
};

test('only names taken in the folder are asked about; each answer applies to its file', async () => {
  const { asked, ask } = answering(
    { choice: 'keep-both', all: false },
    { choice: 'replace', all: false },
    { choice: 'skip', all: false },
  );
  const out = await resolveConflicts(
    picked('new.txt', 'a.txt', 'b.txt', 'c.txt', 'docs2/x'),
    existing,
    ask,
  );
  assert.deepEqual(
    out.map((i) => i.rel),
    ['new.txt', 'a (2).txt', 'b.txt', 'docs2/x'],
  );
  assert.deepEqual(
    asked.map((c) => [c.name, c.renamed, c.more]),
    [
      ['a.txt', 'a (2).txt', 2],
      ['b.txt', 'b (1).txt', 1],
      ['c.txt', 'c (1).txt', 0],
    ],
  );
});

test('"Apply to all" asks once for the rest of the upload', async () => {
  const { asked, ask } = answering({ choice: 'keep-both', all: true });
  const out = await resolveConflicts(picked('a.txt', 'b.txt', 'c.txt'), existing, ask);
  assert.equal(asked.length, 1);
  assert.deepEqual(
    out.map((i) => i.rel),
    ['a (2).txt', 'b (1).txt', 'c (1).txt'],
  );
  const skipAll = answering({ choice: 'skip', all: true });
  assert.deepEqual(await resolveConflicts(picked('a.txt', 'b.txt'), existing, skipAll.ask), []);
});

test('a renamed file never takes the name of another file of the same upload', async () => {
  const { ask } = answering({ choice: 'keep-both', all: true });
  const out = await resolveConflicts(picked('b.txt', 'b (1).txt'), existing, ask);
  assert.deepEqual(
    out.map((i) => i.rel),
    ['b (2).txt', 'b (1).txt'],
  );
});

test('a file cannot replace a folder: it is kept beside it; a folder upload merges', async () => {
  const { asked, ask } = answering({ choice: 'replace', all: false });
  const out = await resolveConflicts(picked('docs', 'docs/inner.txt'), existing, ask);
  assert.equal(asked[0]?.folder, true);
  assert.deepEqual(
    out.map((i) => i.rel),
    ['docs (1)', 'docs/inner.txt'],
  );
});
