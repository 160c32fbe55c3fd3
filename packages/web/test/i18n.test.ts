import assert from 'node:assert/strict';
import { test } from 'node:test';
import { appStrings } from '../src/apps/strings.ts';
import { errorStrings } from '../src/errors/strings.ts';
import { groupStrings } from '../src/groups/strings.ts';
import { en } from '../src/i18n/en.ts';
import { es } from '../src/i18n/es.ts';
import { fr } from '../src/i18n/fr.ts';
import { ptBR } from '../src/i18n/pt-BR.ts';
import { linkStrings } from '../src/links/strings.ts';
import { operatorStrings } from '../src/operator/strings.ts';
import { trashStrings } from '../src/trash/strings.ts';
import { conflictStrings } from '../src/upload-conflicts/strings.ts';
import { versionStrings } from '../src/versions/strings.ts';
import { wordingStrings } from '../src/wording/strings.ts';

/** The shared strings and each area's own. */
const sets = {
  shared: { en, fr, es, 'pt-BR': ptBR },
  operator: operatorStrings,
  groups: groupStrings,
  versions: versionStrings,
  trash: trashStrings,
  conflicts: conflictStrings,
  links: linkStrings,
  errors: errorStrings,
  wording: wordingStrings,
  apps: appStrings,
};

test('a count picks the form its language uses: French and Brazilian Portuguese say 0 as 1', () => {
  assert.deepEqual(
    [0, 1, 2].map((n) => en.requestDays(n)),
    ['0 days', '1 day', '2 days'],
  );
  assert.deepEqual(
    [0, 1, 2].map((n) => fr.requestDays(n)),
    ['0 jour', '1 jour', '2 jours'],
  );
  assert.deepEqual(
    [0, 1, 2].map((n) => es.requestDays(n)),
    ['0 días', '1 día', '2 días'],
  );
  assert.deepEqual(
    [0, 1, 2].map((n) => ptBR.requestDays(n)),
    ['0 dia', '1 dia', '2 dias'],
  );
  assert.equal(
    es.requestSentNote(1, { from: 'ana@example.com' }),
    '1 archivo enviado. Solo ana@example.com puede abrirlo.',
  );
  assert.equal(en.pl_chunk(1), 'chunk');
});

/** The {placeholders} of a message; a count's forms are read at 1 and at 7, "#" marking the count. */
function placeholders(message: string | ((n: number) => string)): string[] {
  const texts =
    typeof message === 'string'
      ? [message]
      : [1, 7].map((n) => message(n).replace(new RegExp(`\\b${n}\\b`), '{#}'));
  const names = texts.flatMap((s) => [...s.matchAll(/\{(#|\w+)\}/g)].map((m) => m[1] ?? ''));
  return [...new Set(names)].sort();
}

test('every language fills in the same values as English', () => {
  for (const [name, set] of Object.entries(sets)) {
    const reference: Record<string, string | ((n: number) => string)> = set.en;
    for (const [lang, strings] of Object.entries(set)) {
      const messages: Record<string, string | ((n: number) => string)> = strings;
      for (const key of Object.keys(reference)) {
        assert.deepEqual(
          placeholders(messages[key] ?? ''),
          placeholders(reference[key] ?? ''),
          `${name}: ${lang} ${key}`,
        );
      }
    }
  }
});
