import assert from 'node:assert/strict';
import { test } from 'node:test';
import { brake } from '../src/brakes.ts';
import { conflictName } from '../src/names.ts';
import { Scenario } from './scenario.ts';

// The planner's table: a synced state, changes on each side, and the actions expected, in
// order. `#path` is a remote id and `@path` a local id, named after where the node was made.

const tree = (): Scenario =>
  new Scenario([
    ['a.txt', 'h-a'],
    ['docs', null],
    ['docs/b.txt', 'h-b'],
    ['docs/c.txt', 'h-c'],
    ['docs/deep', null],
    ['docs/deep/d.txt', 'h-d'],
  ]);

const CONFLICT = conflictName('a.txt', 'laptop', new Date(Date.UTC(2026, 11, 4, 9, 5, 7)));

const table: Array<[string, Scenario, string[]]> = [
  ['nothing changed: nothing to do', tree(), []],

  // content
  [
    'a local edit uploads a new revision',
    tree().editLocal('a.txt', 'h-a2'),
    ['upload @a.txt over #a.txt'],
  ],
  [
    'a remote edit comes down over the local file',
    tree().editRemote('a.txt', 'h-a2'),
    ['download #a.txt over @a.txt'],
  ],
  [
    'a touched mtime with the same hash is no change: the base learns the mtime',
    tree().touchLocal('a.txt'),
    ['adopt #a.txt @a.txt'],
  ],
  [
    'an editor saving through a new inode is an edit of the same file, not a delete and an add',
    tree().editLocal('a.txt', 'h-a2', { id: '@a.txt~new' }),
    ['adopt #a.txt @a.txt~new', 'upload @a.txt~new over #a.txt'],
  ],
  [
    'a new inode with the same content is only rebound',
    tree().editLocal('a.txt', 'h-a', { id: '@a.txt~new' }),
    ['adopt #a.txt @a.txt~new', 'adopt #a.txt @a.txt~new'],
  ],

  // places
  [
    'a local rename is a remote move: no content is sent',
    tree().moveLocal('a.txt', 'z.txt'),
    ['move-remote #a.txt to /z.txt'],
  ],
  [
    'a remote move into a folder is a local move',
    tree().moveRemote('a.txt', 'docs/deep/a.txt'),
    ['move-local @a.txt to #docs/deep/a.txt'],
  ],
  [
    'renaming a folder moves the folder only, never what is in it',
    tree().moveLocal('docs', 'papers'),
    ['move-remote #docs to /papers'],
  ],
  [
    'a case-only rename remotely is a local move of the same file (case-insensitive disk)',
    new Scenario([['A.txt', 'h']]).with({ caseInsensitive: true }).moveRemote('A.txt', 'a.txt'),
    ['move-local @A.txt to /a.txt'],
  ],
  [
    'a case-only rename locally is a remote move of the same file',
    new Scenario([['A.txt', 'h']]).with({ caseInsensitive: true }).moveLocal('A.txt', 'a.txt'),
    ['move-remote #A.txt to /a.txt'],
  ],
  [
    'moved on both sides to the same place: agreed',
    tree().moveLocal('a.txt', 'docs/a.txt').moveRemote('a.txt', 'docs/a.txt'),
    ['adopt #a.txt @a.txt'],
  ],
  [
    'moved on both sides to different places: the remote place wins',
    tree().moveLocal('a.txt', 'docs/a.txt').moveRemote('a.txt', 'x.txt'),
    ['move-local @a.txt to /x.txt'],
  ],
  [
    'a move into a new local folder waits for that folder',
    tree().addLocal('new', null).moveLocal('a.txt', 'new/a.txt'),
    ['mkdir-remote @new at /new', 'move-remote #a.txt to @new/a.txt'],
  ],
  [
    'a file both moved and changed under a row’s id is a new file on a reused inode: delete and add',
    tree().moveLocal('a.txt', 'docs/n.txt').editLocal('docs/n.txt', 'h-n'),
    ['upload @a.txt at @docs/n.txt', 'trash-remote #a.txt [#a.txt]'],
  ],
  ['the executable bit goes up', tree().execLocal('a.txt', true), ['exec-remote #a.txt true']],
  ['the executable bit comes down', tree().execRemote('a.txt', true), ['exec-local @a.txt true']],

  // deletions
  [
    'a local delete goes to the remote trash',
    tree().removeLocal('a.txt'),
    ['trash-remote #a.txt [#a.txt]'],
  ],
  [
    'a remote delete goes to the local trash',
    tree().removeRemote('a.txt'),
    ['trash-local @a.txt [#a.txt]'],
  ],
  [
    'deleted on both sides: the base forgets it',
    tree().removeLocal('a.txt').removeRemote('a.txt'),
    ['forget #a.txt'],
  ],
  [
    'a folder deleted locally is one remote trash covering everything under it',
    tree().removeLocal('docs'),
    ['trash-remote #docs [#docs #docs/b.txt #docs/c.txt #docs/deep #docs/deep/d.txt]'],
  ],
  [
    'a file moved out of a folder before it was deleted survives the folder',
    tree().moveLocal('docs/b.txt', 'b.txt').removeLocal('docs'),
    [
      'move-remote #docs/b.txt to /b.txt',
      'trash-remote #docs [#docs #docs/c.txt #docs/deep #docs/deep/d.txt]',
    ],
  ],

  [
    'a file moved out of a folder remotely before the folder was deleted there survives it here',
    tree().moveRemote('docs/b.txt', 'b.txt').removeRemote('docs'),
    [
      'move-local @docs/b.txt to /b.txt',
      'trash-local @docs [#docs #docs/c.txt #docs/deep #docs/deep/d.txt]',
    ],
  ],

  // edit against delete keeps the edit
  [
    'edited remotely, deleted locally: it comes back',
    tree().editRemote('a.txt', 'h-a2').removeLocal('a.txt'),
    ['download #a.txt at /a.txt'],
  ],
  [
    'edited locally, deleted remotely: it goes up again as a new file',
    tree().editLocal('a.txt', 'h-a2').removeRemote('a.txt'),
    ['upload @a.txt at /a.txt', 'forget #a.txt'],
  ],
  [
    'a folder deleted locally while a file in it was edited remotely: the edit stays, the rest goes',
    tree().removeLocal('docs').editRemote('docs/deep/d.txt', 'h-d2'),
    [
      'mkdir-local #docs at /docs',
      'mkdir-local #docs/deep at #docs/deep',
      'download #docs/deep/d.txt at #docs/deep/d.txt',
      'trash-remote #docs/b.txt [#docs/b.txt]',
      'trash-remote #docs/c.txt [#docs/c.txt]',
    ],
  ],
  [
    'a folder deleted remotely while a file was added in it locally: the folder goes up anew with it',
    tree().removeRemote('docs').addLocal('docs/new.txt', 'h-n'),
    [
      'mkdir-remote @docs at /docs',
      'upload @docs/new.txt at @docs/new.txt',
      'trash-local @docs/b.txt [#docs/b.txt]',
      'trash-local @docs/c.txt [#docs/c.txt]',
      'trash-local @docs/deep [#docs/deep #docs/deep/d.txt]',
      'forget #docs',
    ],
  ],

  // conflicts keep both
  [
    'edited on both sides: the local edit is kept under a conflict name, both sync',
    tree().editLocal('a.txt', 'h-local').editRemote('a.txt', 'h-remote'),
    [
      `conflict-rename @a.txt to ${CONFLICT} (both-edited)`,
      `upload @a.txt at /${CONFLICT}`,
      'download #a.txt at /a.txt',
    ],
  ],
  [
    'edited on both sides to the same bytes: agreed',
    tree().editLocal('a.txt', 'h-same').editRemote('a.txt', 'h-same'),
    ['adopt #a.txt @a.txt'],
  ],
  [
    'the same new path on both devices is a conflict, not an overwrite',
    tree().addLocal('n.txt', 'h-1').addRemote('n.txt', 'h-2'),
    [
      `conflict-rename @n.txt to ${conflictName('n.txt', 'laptop', new Date(Date.UTC(2026, 11, 4, 9, 5, 7)))} (both-created)`,
      'download #n.txt at /n.txt',
      `upload @n.txt at /${conflictName('n.txt', 'laptop', new Date(Date.UTC(2026, 11, 4, 9, 5, 7)))}`,
    ],
  ],
  [
    'the same new file with the same bytes on both: agreed',
    tree().addLocal('n.txt', 'h').addRemote('n.txt', 'h'),
    ['adopt #n.txt @n.txt'],
  ],
  [
    'the same new folder on both sides merges, and what is in it is paired too',
    tree()
      .addLocal('p', null)
      .addLocal('p/x', 'h-x')
      .addLocal('p/y', 'h-y')
      .addRemote('p', null)
      .addRemote('p/x', 'h-x')
      .addRemote('p/z', 'h-z'),
    ['download #p/z at #p/z', 'upload @p/y at @p/y', 'adopt #p @p', 'adopt #p/x @p/x'],
  ],
  [
    'the same new name differing in case on a case-insensitive disk is the same path',
    tree().with({ caseInsensitive: true }).addLocal('N.txt', 'h').addRemote('n.txt', 'h'),
    ['adopt #n.txt @N.txt'],
  ],

  // new on one side
  [
    'a new local folder goes up before what is in it',
    tree().addLocal('new', null).addLocal('new/f.txt', 'h-f'),
    ['mkdir-remote @new at /new', 'upload @new/f.txt at @new/f.txt'],
  ],
  [
    'a new remote folder comes down before what is in it',
    tree().addRemote('new', null).addRemote('new/f.txt', 'h-f'),
    ['mkdir-local #new at /new', 'download #new/f.txt at #new/f.txt'],
  ],
  [
    'two remote names this disk cannot tell apart: one comes down, the other is reported',
    tree().with({ caseInsensitive: true }).addRemote('Q.txt', 'h-1').addRemote('q.txt', 'h-2'),
    ['download #Q.txt at /Q.txt', 'report name-clash q.txt'],
  ],
  [
    'on a case-sensitive disk both come down',
    tree().addRemote('Q.txt', 'h-1').addRemote('q.txt', 'h-2'),
    ['download #Q.txt at /Q.txt', 'download #q.txt at /q.txt'],
  ],
  [
    'a file deleted and a folder made at its name: the delete comes first',
    tree().removeLocal('a.txt').addLocal('a.txt2', null),
    ['mkdir-remote @a.txt2 at /a.txt2', 'trash-remote #a.txt [#a.txt]'],
  ],

  // read-only shares sync down only, and lose nothing local
  [
    'read-only: a local edit is kept as a conflict copy that stays here, and the share’s version comes back',
    tree().with({ readOnly: true }).editLocal('a.txt', 'h-mine'),
    [
      `conflict-rename @a.txt to ${CONFLICT} (read-only)`,
      'download #a.txt at /a.txt',
      'report read-only a.txt',
    ],
  ],
  [
    'read-only: a new local file is reported, not uploaded',
    tree().with({ readOnly: true }).addLocal('mine.txt', 'h'),
    ['report read-only mine.txt'],
  ],
  [
    'read-only: a local delete comes back',
    tree().with({ readOnly: true }).removeLocal('a.txt'),
    ['download #a.txt at /a.txt'],
  ],
  [
    'read-only: a local move is undone',
    tree().with({ readOnly: true }).moveLocal('a.txt', 'docs/a.txt'),
    ['move-local @a.txt to /a.txt', 'report read-only docs/a.txt'],
  ],
  [
    'read-only: remote edits still come down',
    tree().with({ readOnly: true }).editRemote('a.txt', 'h2'),
    ['download #a.txt over @a.txt'],
  ],

  // ignore rules and selective sync
  [
    'an ignored path is neither present nor deleted: gone locally, nothing happens remotely',
    tree()
      .with({ scope: (p) => (p === 'docs' || p.startsWith('docs/') ? 'ignored' : 'sync') })
      .removeLocal('docs'),
    [
      'forget #docs',
      'forget #docs/b.txt',
      'forget #docs/c.txt',
      'forget #docs/deep',
      'forget #docs/deep/d.txt',
    ],
  ],
  [
    'a new remote file under an ignored path does not come down',
    tree()
      .with({ scope: (p) => (p.endsWith('.tmp') ? 'ignored' : 'sync') })
      .addRemote('x.tmp', 'h'),
    [],
  ],
  [
    'unselecting a folder drops its local copy only',
    tree().with({ scope: (p) => (p === 'docs' || p.startsWith('docs/') ? 'unselected' : 'sync') }),
    ['drop-local @docs [#docs #docs/b.txt #docs/c.txt #docs/deep #docs/deep/d.txt]'],
  ],
  [
    'an unselected folder with an unsynced local edit keeps it until it is up',
    tree()
      .with({ scope: (p) => (p === 'docs' || p.startsWith('docs/') ? 'unselected' : 'sync') })
      .editLocal('docs/b.txt', 'h-b2'),
    [
      'upload @docs/b.txt over #docs/b.txt',
      'drop-local @docs/c.txt [#docs/c.txt]',
      'drop-local @docs/deep [#docs/deep #docs/deep/d.txt]',
    ],
  ],
  [
    'an unselected folder gets nothing new from remote',
    tree()
      .with({ scope: (p) => (p === 'docs' || p.startsWith('docs/') ? 'unselected' : 'sync') })
      .removeLocal('docs')
      .addRemote('docs/new.txt', 'h'),
    [
      'forget #docs',
      'forget #docs/b.txt',
      'forget #docs/c.txt',
      'forget #docs/deep',
      'forget #docs/deep/d.txt',
    ],
  ],
];

for (const [name, scenario, expected] of table) {
  test(name, () => assert.deepEqual(scenario.lines(), expected));
}

test('conflict names keep the extension and say which device and when (UTC)', () => {
  const at = new Date(Date.UTC(2026, 0, 2, 3, 4, 5));
  assert.equal(
    conflictName('report.final.pdf', 'desk', at),
    'report.final (conflict desk 2026-01-02 030405).pdf',
  );
  assert.equal(conflictName('.bashrc', 'desk', at), '.bashrc (conflict desk 2026-01-02 030405)');
  assert.equal(conflictName('Makefile', 'desk', at), 'Makefile (conflict desk 2026-01-02 030405)');
});

test('the brakes: more than half of the files deleted stops the pass', () => {
  const s = new Scenario([
    ['a', 'h1'],
    ['b', 'h2'],
    ['c', 'h3'],
    ['d', 'h4'],
  ])
    .removeLocal('a')
    .removeLocal('b');
  assert.equal(
    brake(s.plan(), { baseFiles: 4, localNodes: 2 }),
    null,
    'half is not more than half',
  );
  s.removeLocal('c');
  assert.equal(brake(s.plan(), { baseFiles: 4, localNodes: 1 })?.reason, 'mass-delete');
});

test('the brakes: an empty local root with a base stops the pass', () => {
  const s = tree().removeLocal('a.txt').removeLocal('docs');
  assert.equal(brake(s.plan(), { baseFiles: 4, localNodes: 0 })?.reason, 'empty-root');
  assert.equal(brake(new Scenario().plan(), { baseFiles: 0, localNodes: 0 }), null, 'a first sync');
});

test('deleting one’s only file is not a mass delete', () => {
  const s = new Scenario([['only', 'h']]).removeLocal('only').addLocal('other', 'h2');
  assert.equal(brake(s.plan(), { baseFiles: 1, localNodes: 1 }), null);
});
