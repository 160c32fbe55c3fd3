import { ConflictError } from '@coffer/errors';
import { type Db, prepareQueries, type Queries, SEQ_BLOCK } from './index-db.ts';

/**
 * What the parts of the store share: the index with its prepared statements, and the counters
 * its `stats` row holds. A part changes a counter only once the transaction that wrote the
 * same change to the row has committed.
 */
export class StoreState {
  readonly q: Queries;
  used = 0;
  count = 0;
  dead = 0;
  /** Bytes promised to uploads in progress. */
  reserved = 0;
  seq = 0;
  seqLimit = 0;
  segmentCount = 0;
  gravesFrom = 1;
  closed = false;

  constructor(
    readonly db: Db,
    /** segments/ in the data directory. */
    readonly segDir: string,
    /** A segment stops taking appends once it reaches this size. */
    readonly segmentBytes: number,
    readonly log: (line: string) => void,
  ) {
    this.q = prepareQueries(db);
  }

  checkOpen(): void {
    if (this.closed) throw new ConflictError('store: closed');
  }

  nextSeq(): number {
    if (this.seq >= this.seqLimit) {
      this.seqLimit = this.seq + SEQ_BLOCK;
      this.q.seq.run(this.seqLimit);
    }
    return this.seq++;
  }
}
