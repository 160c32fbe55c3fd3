import assert from 'node:assert/strict';
import { test } from 'node:test';
import { IntegrityError } from '@coffer/errors';
import { refuseRepeats } from '../src/checks.ts';

test('refuseRepeats passes a listing that names each item once', () => {
  refuseRepeats([{ id: 'a' }, { id: 'b' }], (x) => x.id, 'shares');
});

test('refuseRepeats names the repeated item and the listing', () => {
  assert.throws(
    () =>
      refuseRepeats(
        [{ revision: 2 }, { revision: 1 }, { revision: 2 }],
        (r) => String(r.revision),
        'versions of a.txt',
        (r) => `revision ${r.revision}`,
      ),
    (e: Error) => {
      assert.ok(e instanceof IntegrityError);
      assert.equal(e.message, 'versions of a.txt: the hub lists revision 2 twice (tampered with)');
      return true;
    },
  );
});
