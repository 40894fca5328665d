/**
 * The scheduled job that ends legs no provider ever ended: every leg still open after the longest call
 * allowed (`MAX_CALL_SECONDS`) is closed as `timeout`, through the same state machine as a provider's
 * report, so a leg that ended meanwhile is left as it is.
 */
import { log } from '../http/log.ts';
import { parleyVoice } from '../parley-voice.ts';

export const sweepOpenLegs = async (nowMs = Date.now()): Promise<{ closed: number; seen: number }> => {
  const { cutoff, seen, closed, failed } = await parleyVoice.calls.sweep(nowMs);
  // One leg that cannot be closed must not keep the others open; the next run tries it again.
  for (const { legId, error } of failed)
    log('error', 'sweeper could not close a leg', {
      legId,
      error: error instanceof Error ? { name: error.name, message: error.message } : error,
    });
  log('info', 'sweeper run', { cutoff, seen, closed });
  return { closed, seen };
};

/** Entry of the scheduled Lambda (EventBridge schedule). */
export const handler = async (): Promise<{ closed: number; seen: number }> => sweepOpenLegs();
