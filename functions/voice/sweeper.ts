/**
 * The scheduled job that ends legs no provider ever ended: every leg still open after the longest call
 * allowed (`MAX_CALL_SECONDS`) is closed as `timeout`, through the same state machine as a provider's
 * report, so a leg that ended meanwhile is left as it is.
 */
import { config } from '../config.ts';
import { expireLeg } from '../domain/calls.ts';
import { nowIso } from '../domain/ids.ts';
import { log } from '../http/log.ts';
import { callStore, openLegsStartedBefore } from '../store/legs-repo.ts';

const PAGE = 100;

export const sweepOpenLegs = async (nowMs = Date.now()): Promise<{ closed: number; seen: number }> => {
  const cutoff = new Date(nowMs - config().maxCallSeconds * 1000).toISOString();
  const now = nowIso();
  let closed = 0;
  let seen = 0;
  let start: Record<string, unknown> | undefined;
  do {
    const page = await openLegsStartedBefore(cutoff, PAGE, start);
    for (const leg of page.legs) {
      seen += 1;
      try {
        const result = await expireLeg(callStore, leg, now);
        if (result === 'moved') closed += 1;
      } catch (error) {
        // One leg that cannot be closed must not keep the others open; the next run tries it again.
        log('error', 'sweeper could not close a leg', {
          legId: leg.id,
          error: error instanceof Error ? { name: error.name, message: error.message } : error,
        });
      }
    }
    start = page.next;
  } while (start);
  log('info', 'sweeper run', { cutoff, seen, closed });
  return { closed, seen };
};

/** Entry of the scheduled Lambda (EventBridge schedule). */
export const handler = async (): Promise<{ closed: number; seen: number }> => sweepOpenLegs();
