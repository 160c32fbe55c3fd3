import * as state from '../services/feed-state.ts';
import * as ratings from '../services/ratings.ts';
import type { AreaHandlers } from './handler.ts';

export const feedHandlers: AreaHandlers<'feed'> = {
  rateEntry: (hub, i) => ratings.rate(hub, i.caller, i.params.id, i.body),
  groupRatings: (hub, i) => ratings.ratings(hub, i.caller, i.params.id, i.query),
  feedState: (hub, i) => state.feedState(hub, i.caller),
  saveFeedState: (hub, i) => state.saveFeedState(hub, i.caller, i.body),
};
