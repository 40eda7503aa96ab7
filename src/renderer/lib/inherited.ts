/**
 * An alert the officer signed in to find still open: raised before this
 * sign-in, so not among "hits since you signed in". Says who left it open and
 * when, so the counters and the open alerts do not read as a contradiction.
 */
import type { AlertView, User } from '../../shared/contract.js';
import { formatClock } from './format.js';

/** "Left open by ofc7 at 07:31:05" for an alert raised before `signedInAt`; null for one raised since. */
export function inheritedNote(alert: Pick<AlertView, 'raisedAt' | 'raisedDuring'>, signedInAt: number | null | undefined, me: User | null | undefined): string | null {
  if (signedInAt === null || signedInAt === undefined || alert.raisedAt >= signedInAt) return null;
  const by = alert.raisedDuring;
  if (!by) return 'Raised before you signed in, with no one signed in';
  const who = by.userId === me?.id ? 'you' : by.userId;
  return by.signedOutAt === null ? `Left open by ${who}` : `Left open by ${who} at ${formatClock(by.signedOutAt)}`;
}

/** How many of the open alerts were left open from before this sign-in. */
export function countInherited(open: readonly Pick<AlertView, 'raisedAt'>[], signedInAt: number | null | undefined): number {
  if (signedInAt === null || signedInAt === undefined) return 0;
  return open.filter((a) => a.raisedAt < signedInAt).length;
}
