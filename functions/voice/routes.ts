/**
 * The voice Lambda's routes: the providers' answer and status webhooks, each accepted as GET or POST. No
 * store code here, so the OpenAPI document can list them without loading the voice handlers.
 */
import type { RouteKey, RouteMethod } from '../http/router.ts';

export type VoiceProviderName = 'vonage' | 'twilio';
export type VoiceAction = 'answer' | 'status';

export interface VoiceRoute {
  method: RouteMethod;
  path: string;
  provider: VoiceProviderName;
  action: VoiceAction;
}

const HOOKS = [
  { path: '/voice/vonage/answer', provider: 'vonage', action: 'answer' },
  { path: '/voice/vonage/event', provider: 'vonage', action: 'status' },
  { path: '/voice/twilio/answer', provider: 'twilio', action: 'answer' },
  { path: '/voice/twilio/status', provider: 'twilio', action: 'status' },
] as const satisfies readonly Omit<VoiceRoute, 'method'>[];

export type VoiceHookPath = (typeof HOOKS)[number]['path'];

/** Each webhook as GET and as POST (providers may be set to either). */
export const voiceRoutes: VoiceRoute[] = HOOKS.flatMap((hook) =>
  (['GET', 'POST'] as const).map((method) => ({ ...hook, method })),
);

/** A voice route as `METHOD path`. */
export const voiceRouteKey = (route: VoiceRoute): RouteKey => `${route.method} ${route.path}` as RouteKey;
