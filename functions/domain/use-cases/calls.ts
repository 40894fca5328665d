/** Voice: a provider's answer and status webhooks, and the sweep that ends legs no provider ended. */
import {
  type AnswerRenderer,
  answerCall,
  expireLeg,
  type InboundCall,
  type Instructions,
  type LegStatusReport,
  type LegStatusResult,
  recordLegStatus,
} from '../calls.ts';
import type { Deps, PageCursor } from '../ports.ts';

export const answerInboundCall = (
  deps: Deps,
  inbound: Omit<InboundCall, 'now' | 'maxCallSeconds'>,
  renderer: AnswerRenderer,
): Promise<{ instructions: Instructions; outcome: 'created' | 'replayed' | 'rejected' }> =>
  answerCall(
    deps.ports.calls,
    { ...inbound, maxCallSeconds: deps.settings.maxCallSeconds, now: deps.now() },
    renderer,
  );

export const recordCallStatus = (
  deps: Deps,
  report: Omit<LegStatusReport, 'now'>,
  now = deps.now(),
): Promise<LegStatusResult> => recordLegStatus(deps.ports.calls, { ...report, now });

export interface SweepReport {
  cutoff: string;
  seen: number;
  closed: number;
  /** Legs that could not be closed this time (the next sweep tries them again). */
  failed: { legId: string; error: unknown }[];
}

const PAGE = 100;

/**
 * Ends every leg still open after the longest call allowed, as `timeout`, through the same state machine
 * as a provider's report, so a leg that ended meanwhile is left as it is. One leg that cannot be closed
 * does not keep the others open.
 */
export const sweepOpenLegs = async (deps: Deps, nowMs = Date.parse(deps.now())): Promise<SweepReport> => {
  const cutoff = new Date(nowMs - deps.settings.maxCallSeconds * 1000).toISOString();
  const now = deps.now();
  const report: SweepReport = { cutoff, seen: 0, closed: 0, failed: [] };
  let start: PageCursor | undefined;
  do {
    const page = await deps.ports.calls.openLegsStartedBefore(cutoff, PAGE, start);
    for (const leg of page.legs) {
      report.seen += 1;
      try {
        if ((await expireLeg(deps.ports.calls, leg, now)) === 'moved') report.closed += 1;
      } catch (error) {
        report.failed.push({ legId: leg.id, error });
      }
    }
    start = page.next;
  } while (start);
  return report;
};
