import { RateLimitedError } from '@coffer/errors';
import { sql } from 'kysely';
import type { Hub } from '../context.ts';

/**
 * A fixed-window counter per key, kept in the database so several hub processes share it.
 * Throws RateLimitedError once `max` attempts fall in one window; answers when the window
 * started. One statement counts the attempt and reads the count: reading first and writing
 * count + 1 after let attempts made at the same moment read the same count, and all but one of
 * them went uncounted.
 */
export async function rateLimit(
  hub: Hub,
  key: string,
  max: number,
  windowMs: number,
): Promise<{ windowStart: number }> {
  const now = hub.now();
  const windowOver = sql<boolean>`rate_limits.window_start <= ${now - windowMs}`;
  const row = await hub.db
    .insertInto('rate_limits')
    .values({ key, window_start: now, count: 1 })
    .onConflict((oc) =>
      oc.column('key').doUpdateSet((eb) => ({
        window_start: eb
          .case()
          .when(windowOver)
          .then(now)
          .else(eb.ref('rate_limits.window_start'))
          .end(),
        count: eb
          .case()
          .when(windowOver)
          .then(1)
          .else(eb('rate_limits.count', '+', 1))
          .end(),
      })),
    )
    .returning(['window_start', 'count'])
    .executeTakeFirstOrThrow();
  if (row.count > max) {
    throw new RateLimitedError(
      'too many attempts; wait before trying again',
      row.window_start + windowMs - now,
    );
  }
  return { windowStart: row.window_start };
}
