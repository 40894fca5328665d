/**
 * DynamoDB round trips per request, endpoint by endpoint: each request below runs once with the counter on,
 * after its own untimed set-up. Every route the API, calls and client Lambdas register must have a recipe
 * here.
 */
import { randomUUID } from 'node:crypto';
import { aliases } from '../../../functions/api/aliases.ts';
import { callsRoutes } from '../../../functions/api/calls-routes.ts';
import { clientRoutes } from '../../../functions/api/client-routes.ts';
import { routes as v1Routes } from '../../../functions/api/routes.ts';
import { connectionStore } from '../../../functions/store/connections-repo.ts';
import { EndpointMissingError, isMissing, type RequestSpec } from '../api.ts';
import type { Bench } from '../context.ts';
import { type Figure, judge } from '../figure.ts';
import type { UnitCount } from '../units.ts';
import { answerUrl, type Scene } from './latency.ts';

type Kind = 'read' | 'write';

interface Recipe {
  /** `METHOD /path/{param}` as registered (parameter names do not matter). */
  route: string;
  /** What this variant does, when a route has several. */
  variant?: string;
  kind: Kind;
  /** Part of the documented API: missing, it leaves the figure unproven. */
  required: boolean;
  /** The status the request is answered with when the route always refuses it (no DynamoDB call). */
  refused?: number;
  /**
   * The first request of a user this process has not seen: it also resolves the token's name, once per user
   * per process (a Lambda container). Shown beside the figure, which is the steady state of every route.
   */
  firstOfUser?: boolean;
  make(): Promise<RequestSpec>;
}

export interface RoundTripRow {
  route: string;
  variant?: string;
  kind: Kind;
  required: boolean;
  calls: number | null;
  commands: string;
  status: 'ok' | 'missing' | 'error' | 'no recipe';
  firstOfUser?: boolean;
  note?: string;
  /** Request units of the request, computed from its items, and as DynamoDB Local reported them. */
  units?: UnitCount;
  /** Handler CPU time of the request (user + system), in ms, the counters' own work left out. */
  cpuMs?: number;
}

const shape = (route: string) => route.replace(/\{[^}]+\}/g, '{}').replace(/\/+$/, '');

const recipes = (bench: Bench, scene: Scene): Recipe[] => {
  const admin = bench.adminToken;
  const user = scene.user.token;
  const f = bench.fixtures;
  const conv = scene.conversationId;
  const member = async () => {
    if (scene.memberId) return scene.memberId;
    throw new Error('members are missing');
  };
  const event = async () => f.postMessage(conv, await member(), user, 'round trip');
  /** A conversation with a member and a message, as a conversation to delete usually is. */
  const busyConversation = async () => {
    const id = await f.createConversation();
    try {
      const m = await f.join(id, scene.user.id);
      await f.postMessage(id, m, user);
    } catch {
      // members or events not there yet: an empty conversation
    }
    return id;
  };
  const number = `4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`;
  const routed = async () => {
    await bench.api.send({
      method: 'PUT',
      url: `/v1/numbers/${number}`,
      token: admin,
      body: { forward_to: '447700900200' },
    });
    return number;
  };
  /** A forwarded call as the provider starts it: the inbound leg id and Parley's conversation id. */
  const call = async () => {
    const url = answerUrl(await routed());
    const leg = new URL(url, 'http://x').searchParams.get('uuid') as string;
    const r = await bench.api.ok({ method: 'GET', url });
    const eventUrl = new URL(String(r.body?.[0]?.eventUrl?.[0] ?? 'http://x/'));
    const conversationId = eventUrl.searchParams.get('conversation_id');
    if (!conversationId) throw new Error('the answer NCCO carries no conversation_id');
    return { leg, conversationId, eventUrl: `${eventUrl.pathname}${eventUrl.search}` };
  };
  const status = (leg: string, direction: string, value: string) => ({
    uuid: leg,
    conversation_uuid: `CON-${randomUUID()}`,
    status: value,
    direction,
    from: '447700900001',
    to: '447700900200',
    timestamp: new Date().toISOString(),
  });
  const get = (url: string, token = admin) => ({ method: 'GET', url, token });
  return [
    // reads
    {
      route: 'GET /v1/conversations',
      variant: 'admin',
      kind: 'read',
      required: true,
      make: async () => get('/v1/conversations?page_size=10'),
    },
    {
      route: 'GET /v1/conversations',
      variant: 'user token',
      kind: 'read',
      required: true,
      make: async () => {
        // The scene's user, known to this process (as to a warm Lambda container).
        await bench.api.send(get('/v1/conversations?page_size=1', user));
        return get('/v1/conversations?page_size=10', user);
      },
    },
    {
      route: 'GET /v1/conversations',
      variant: 'user token, the first of its user in the process',
      kind: 'read',
      required: false,
      firstOfUser: true,
      make: async () => {
        const stranger = await f.createUser();
        await f.join(await f.createConversation(), stranger.id);
        return get('/v1/conversations?page_size=10', stranger.token);
      },
    },
    {
      route: 'GET /v1/conversations/{id}',
      variant: 'user token',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/conversations/${conv}`, user),
    },
    { route: 'GET /v1/users', kind: 'read', required: true, make: async () => get('/v1/users?page_size=10') },
    {
      route: 'GET /v1/users',
      variant: 'by name',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/users?name=${scene.user.name}`),
    },
    {
      route: 'GET /v1/users/{id}',
      variant: 'by id',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/users/${scene.user.id}`),
    },
    {
      route: 'GET /v1/users/{id}',
      variant: 'by name',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/users/${scene.user.name}`),
    },
    {
      route: 'GET /v1/users/{id}/conversations',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/users/${scene.user.id}/conversations`),
    },
    {
      route: 'GET /v1/conversations/{id}/members',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/conversations/${conv}/members`, user),
    },
    {
      route: 'GET /v1/conversations/{id}/members/me',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/conversations/${conv}/members/me`, user),
    },
    {
      route: 'GET /v1/conversations/{id}/members/{id}',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/conversations/${conv}/members/${await member()}`, user),
    },
    {
      route: 'GET /v1/conversations/{id}/events',
      variant: 'first page',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/conversations/${conv}/events?page_size=10`, user),
    },
    {
      route: 'GET /v1/conversations/{id}/events',
      variant: 'start_id',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/conversations/${conv}/events?start_id=2&page_size=10`, user),
    },
    {
      route: 'GET /v1/conversations/{id}/events/{id}',
      kind: 'read',
      required: true,
      make: async () => get(`/v1/conversations/${conv}/events/${await event()}`, user),
    },
    { route: 'GET /v1/numbers', kind: 'read', required: false, make: async () => get('/v1/numbers') },
    {
      route: 'GET /v1/openapi.json',
      kind: 'read',
      required: false,
      make: async () => get('/v1/openapi.json'),
    },
    {
      route: 'GET /v1/numbers/{number}',
      kind: 'read',
      required: false,
      make: async () => get(`/v1/numbers/${await routed()}`),
    },
    {
      route: 'GET /v1/legs/{leg_id}',
      kind: 'read',
      required: false,
      make: async () => get(`/v1/legs/${(await call()).leg}`),
    },
    {
      route: 'GET /v1/conversations/{id}/legs',
      kind: 'read',
      required: false,
      make: async () => get(`/v1/conversations/${(await call()).conversationId}/legs`),
    },
    {
      route: 'GET /beta/conversations',
      kind: 'read',
      required: false,
      make: async () => get('/beta/conversations?page_size=10'),
    },
    {
      route: 'GET /v0.1/conversations',
      variant: 'user token',
      kind: 'read',
      required: false,
      make: async () => get('/v0.1/conversations?page_size=10', user),
    },
    {
      route: 'GET /beta/conversations/{id}',
      kind: 'read',
      required: false,
      make: async () => get(`/beta/conversations/${(await call()).conversationId}`),
    },
    {
      route: 'GET /v0.1/conversations/{id}',
      kind: 'read',
      required: false,
      make: async () => get(`/v0.1/conversations/${(await call()).conversationId}`),
    },
    // writes
    {
      route: 'POST /v1/conversations',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'POST',
        url: '/v1/conversations',
        token: admin,
        body: { display_name: 'rt' },
      }),
    },
    {
      route: 'PUT /v1/conversations/{id}',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'PUT',
        url: `/v1/conversations/${conv}`,
        token: admin,
        body: { display_name: 'renamed' },
      }),
    },
    {
      route: 'DELETE /v1/conversations/{id}',
      variant: 'with a member and a message',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'DELETE',
        url: `/v1/conversations/${await busyConversation()}`,
        token: admin,
      }),
    },
    {
      route: 'POST /v1/users',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'POST',
        url: '/v1/users',
        token: admin,
        body: { name: `rt-${randomUUID()}` },
      }),
    },
    {
      route: 'PATCH /v1/users/{id}',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'PATCH',
        url: `/v1/users/${(await f.createUser()).id}`,
        token: admin,
        body: { display_name: 'Renamed' },
      }),
    },
    {
      route: 'DELETE /v1/users/{id}',
      kind: 'write',
      required: true,
      make: async () => ({ method: 'DELETE', url: `/v1/users/${(await f.createUser()).id}`, token: admin }),
    },
    {
      route: 'POST /v1/conversations/{id}/members',
      variant: 'join',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'POST',
        url: `/v1/conversations/${conv}/members`,
        token: admin,
        body: { state: 'joined', user: { id: (await f.createUser()).id }, channel: { type: 'app' } },
      }),
    },
    {
      route: 'POST /v1/conversations/{id}/members',
      variant: 'invite',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'POST',
        url: `/v1/conversations/${conv}/members`,
        token: admin,
        body: { state: 'invited', user: { id: (await f.createUser()).id }, channel: { type: 'app' } },
      }),
    },
    {
      route: 'PATCH /v1/conversations/{id}/members/{id}',
      variant: 'leave',
      kind: 'write',
      required: true,
      make: async () => {
        const u = await f.createUser();
        const m = await f.join(conv, u.id);
        return {
          method: 'PATCH',
          url: `/v1/conversations/${conv}/members/${m}`,
          token: u.token,
          body: { state: 'left' },
        };
      },
    },
    {
      route: 'POST /v1/conversations/{id}/events',
      variant: 'text message',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'POST',
        url: `/v1/conversations/${conv}/events`,
        token: user,
        body: { type: 'message', from: await member(), body: { message_type: 'text', text: 'rt' } },
      }),
    },
    {
      route: 'POST /v1/conversations/{id}/events',
      variant: 'message:seen',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'POST',
        url: `/v1/conversations/${conv}/events`,
        token: user,
        body: { type: 'message:seen', from: await member(), body: { event_id: await event() } },
      }),
    },
    {
      route: 'DELETE /v1/conversations/{id}/events/{id}',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'DELETE',
        url: `/v1/conversations/${conv}/events/${await event()}`,
        token: user,
      }),
    },
    {
      route: 'PUT /v1/numbers/{number}',
      kind: 'write',
      required: false,
      make: async () => ({
        method: 'PUT',
        url: `/v1/numbers/4477009${String(Math.floor(Math.random() * 1e5)).padStart(5, '0')}`,
        token: admin,
        body: { forward_to: '447700900200' },
      }),
    },
    // The client SDKs' own calls (the others are aliases of /v1 endpoints, covered by their recipes).
    {
      route: 'POST /beta/conversations/{id}/events',
      variant: 'nexmo-client text',
      kind: 'write',
      required: true,
      make: async () => ({
        method: 'POST',
        url: `/beta/conversations/${conv}/events`,
        token: user,
        body: { type: 'text', from: await member(), body: { text: 'round trip' } },
      }),
    },
    {
      route: 'PUT /v0.2/sessions/{id}',
      kind: 'write',
      required: true,
      // A live session of the scene's user, as a socket connect leaves it (the bench runs no socket).
      make: async () => {
        const sessionId = `SES-${randomUUID()}`;
        await connectionStore.put({
          id: `bench-${randomUUID()}`,
          sessionId,
          protocol: 4,
          connectedAt: new Date().toISOString(),
          validUntil: new Date(Date.now() + 3_600_000).toISOString(),
          userId: scene.user.id,
          userName: scene.user.name,
        });
        return { method: 'PUT', url: `/v0.2/sessions/${sessionId}`, token: user };
      },
    },
    {
      route: 'GET /v0.3/users/{id}/sessions',
      kind: 'read',
      required: true,
      make: async () => get(`/v0.3/users/${scene.user.id}/sessions`, user),
    },
    {
      route: 'POST /beta/conversations/{id}/rtc',
      variant: 'refused',
      kind: 'write',
      required: false,
      refused: 400,
      make: async () => ({ method: 'POST', url: `/beta/conversations/${conv}/rtc`, token: user, body: {} }),
    },
    {
      route: 'POST /v0.3/legs',
      variant: 'refused',
      kind: 'write',
      required: false,
      refused: 400,
      make: async () => ({ method: 'POST', url: '/v0.3/legs', token: user, body: {} }),
    },
    {
      route: 'DELETE /v1/numbers/{number}',
      kind: 'write',
      required: false,
      make: async () => ({ method: 'DELETE', url: `/v1/numbers/${await routed()}`, token: admin }),
    },
    {
      route: 'GET /voice/vonage/answer',
      variant: 'new call',
      kind: 'write',
      required: true,
      make: async () => ({ method: 'GET', url: answerUrl(await routed()) }),
    },
    {
      route: 'POST /voice/vonage/event',
      variant: 'callee answered',
      kind: 'write',
      required: false,
      make: async () => {
        const c = await call();
        return { method: 'POST', url: c.eventUrl, body: status(randomUUID(), 'outbound', 'answered') };
      },
    },
    {
      route: 'POST /voice/vonage/event',
      variant: 'caller hung up',
      kind: 'write',
      required: false,
      make: async () => ({
        method: 'POST',
        url: '/voice/vonage/event',
        body: status((await call()).leg, 'inbound', 'completed'),
      }),
    },
  ] satisfies Recipe[] as Recipe[];
};

export const measureRoundTrips = async (bench: Bench, scene: Scene): Promise<RoundTripRow[]> => {
  const rows: RoundTripRow[] = [];
  const list = recipes(bench, scene);
  for (const { make, ...recipe } of list) {
    let spec: RequestSpec;
    try {
      spec = await make();
    } catch (error) {
      rows.push({
        ...recipe,
        calls: null,
        commands: '',
        status: 'missing',
        note: `set-up: ${(error as Error).message}`,
      });
      continue;
    }
    bench.counter.reset();
    bench.units.reset();
    bench.counter.recording = true;
    bench.units.recording = true;
    let r: Awaited<ReturnType<typeof bench.api.send>>;
    const cpu = process.cpuUsage();
    let cpuMs = 0;
    try {
      r = await bench.api.send(spec);
    } catch (error) {
      if (!(error instanceof EndpointMissingError)) throw error;
      rows.push({ ...recipe, calls: null, commands: '', status: 'missing' });
      continue;
    } finally {
      const used = process.cpuUsage(cpu);
      cpuMs = (used.user + used.system - bench.units.ownCpuMicros) / 1000;
      bench.counter.recording = false;
      bench.units.recording = false;
    }
    const measured = { units: bench.units.count, cpuMs };
    const commands = bench.counter.calls
      .map((c) => (c.items ? `${c.command}(${c.items})` : c.command))
      .join(' + ');
    if (isMissing(r)) rows.push({ ...recipe, calls: null, commands, status: 'missing' });
    else if (r.status >= 400 && r.status !== recipe.refused)
      rows.push({
        ...recipe,
        calls: bench.counter.calls.length,
        commands,
        status: 'error',
        note: `${r.status} ${r.body?.code ?? ''}`,
        ...measured,
      });
    else rows.push({ ...recipe, calls: bench.counter.calls.length, commands, status: 'ok', ...measured });
  }
  // Routes the API registers that no recipe covers. An alias of the client SDKs runs its /v1 endpoint's
  // handler (aliases.ts), so that endpoint's recipe covers it: the alias adds no DynamoDB call.
  const covered = new Set(list.map((r) => shape(r.route)));
  for (const r of [...v1Routes, ...callsRoutes, ...clientRoutes]) {
    const route = `${r.method} ${r.path}`;
    const target = aliases[route as keyof typeof aliases]?.of;
    if (!covered.has(shape(route)) && !(target && covered.has(shape(target))))
      rows.push({
        route,
        kind: r.method === 'GET' ? 'read' : 'write',
        required: true,
        calls: null,
        commands: '',
        status: 'no recipe',
      });
  }
  return rows;
};

export const roundTripFigures = (rows: RoundTripRow[], scans: number): Figure[] =>
  (['read', 'write'] as const).map((kind) => {
    const name = `round_trips_max_${kind}`;
    // Reads: the conversation lists take a Query and a BatchGet (README, "Performance").
    const target = 2;
    const mine = rows.filter((r) => r.kind === kind);
    const measured = mine.filter((r) => r.status === 'ok' && !r.firstOfUser);
    const worst = Math.max(0, ...measured.map((r) => r.calls ?? 0));
    const problems: string[] = [];
    const firsts = mine
      .filter((r) => r.status === 'ok' && r.firstOfUser)
      .map((r) => `${r.route} (${r.variant}): ${r.calls} (${r.commands}), once per user per process`);
    if (scans > 0) problems.push(`${scans} Scan call(s) seen during the run`);
    const required = mine.filter((r) => r.status === 'missing' && r.required);
    if (required.length > 0) problems.push(`${required.length} documented endpoint(s) missing`);
    const errors = mine.filter((r) => r.status === 'error');
    if (errors.length > 0) problems.push(`${errors.length} request(s) failed`);
    const uncovered = mine.filter((r) => r.status === 'no recipe');
    if (uncovered.length > 0) problems.push(`${uncovered.length} route(s) without a recipe`);
    const f = judge(name, worst, target, 'max', [...problems, ...firsts], problems.length === 0);
    if (required.length > 0 && measured.length > 0) f.shown = `${worst} (incomplete)`;
    return f;
  });
