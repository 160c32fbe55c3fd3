import assert from 'node:assert/strict';
import { test } from 'node:test';
import { personMessage } from '../src/errors/strings.ts';
import { deviceLabel, wordingStrings } from '../src/wording/strings.ts';

test('technical errors are said by their code, in the page language', () => {
  assert.equal(
    personMessage('decryption', 'manifest: could not decrypt', 'fr'),
    'Impossible de déchiffrer : la clé est erronée ou les données ont été modifiées.',
  );
  assert.equal(
    personMessage('connection', 'list: cannot reach http://x (fetch failed)', 'es'),
    'No se puede contactar con el servidor. Revisa tu conexión y vuelve a intentarlo.',
  );
  assert.equal(
    personMessage('internal', 'not logged in', 'pt-BR'),
    'Algo deu errado. Recarregue a página e tente novamente.',
  );
  for (const code of ['auth', 'forbidden', 'not_found', 'rate_limited', 'integrity', 'expired'])
    assert.doesNotMatch(personMessage(code, 'x: y', 'fr'), /x: y/);
});

test('a reason worth more than its code keeps its specifics, translated', () => {
  assert.equal(
    personMessage('not_found', 'email: no account uses ana@example.com', 'fr'),
    'Aucun compte n’utilise ana@example.com.',
  );
  assert.equal(
    personMessage('not_found', 'path: /Trips/Nope does not exist', 'fr'),
    '/Trips/Nope n’existe pas.',
  );
  assert.equal(
    personMessage('forbidden', 'link: revoked by its owner', 'en'),
    'The owner revoked this link.',
  );
  assert.equal(
    personMessage('forbidden', 'request: closed by its owner', 'es'),
    'cerrada por su propietario.',
  );
});

test('validation, conflict and quota keep the message that names the field or figures', () => {
  const m = 'budget: expected a size such as 10G';
  assert.equal(personMessage('validation', m, 'fr'), m);
  assert.equal(personMessage('conflict', 'version: changed', 'fr'), 'version: changed');
  assert.equal(personMessage('quota', 'over quota', 'fr'), 'over quota');
});

test('the session names the apps give are said in the page language; a chosen one is kept', () => {
  assert.equal(deviceLabel('web browser', wordingStrings.fr), 'navigateur web');
  assert.equal(
    deviceLabel('coffer cli on atelier', wordingStrings.es),
    'Coffer en línea de comandos en atelier',
  );
  assert.equal(deviceLabel('studio laptop', wordingStrings.fr), 'studio laptop');
});

test('hosts online: a real plural on the number of hosts', () => {
  const fr = wordingStrings.fr.hostsOnlineOf;
  assert.equal(fr(1, { online: 1 }), '1 / 1 hébergeur en ligne');
  assert.equal(fr(2, { online: 1 }), '1 / 2 hébergeurs en ligne');
  assert.equal(wordingStrings.en.hostsOnlineOf(1, { online: 0 }), '0 / 1 host online');
});
