/**
 * Parley's layer rules, checked by `npm test` (`depcruise functions cli infra`):
 *
 *   surfaces (functions/api, functions/voice,  ─►  functions/parley.ts, functions/parley-calls.ts,
 *             functions/twilio)                    functions/parley-voice.ts, functions/parley-twilio.ts
 *                                                  (use-cases bound to ports: REST, number routes and
 *                                                  legs, calls, and Twilio Conversations)
 *   functions/docs (the OpenAPI document)       ─►  the surfaces' route contracts and docs, never the wiring
 *   surfaces, functions/http                   ─►  functions/domain
 *   functions/domain                           ─►  nothing but itself (no store, no HTTP, no AWS SDK)
 *   functions/store                            ─►  functions/domain (it implements the ports)
 *
 * Only the composition roots (functions/parley.ts, functions/parley-calls.ts, functions/parley-voice.ts,
 * functions/parley-twilio.ts, functions/parley-socket.ts, functions/parley-sessions.ts),
 * the stream consumers (the reaper, which clears storage leftovers, and the fan-out's entry, which reads
 * new events off the stream) and the infra/tests may import the store. Each Lambda loads one
 * root, so it bundles only its own use-cases. No cycles anywhere.
 */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment: 'A cycle makes two modules one; split what both need into a third.',
      from: {},
      to: { circular: true },
    },
    {
      name: 'surfaces-never-import-the-store',
      severity: 'error',
      comment:
        'A surface parses, validates and presents; it calls use-cases through functions/parley.ts or functions/parley-voice.ts.',
      from: { path: '^functions/(api|voice|twilio|http|docs|webhooks|outbound)/' },
      to: { path: '^functions/store/' },
    },
    {
      name: 'domain-depends-on-nothing-outside',
      severity: 'error',
      comment: 'Use-cases and rules see storage only through their ports, and know nothing of HTTP.',
      from: { path: '^functions/domain/' },
      to: {
        pathNot: ['^functions/domain/'],
        dependencyTypesNot: ['core'],
      },
    },
    {
      name: 'domain-uses-no-node-io',
      severity: 'error',
      comment: 'The domain may hash and make ids (node:crypto), nothing else of Node.',
      from: { path: '^functions/domain/' },
      to: { dependencyTypes: ['core'], pathNot: ['^(node:)?crypto$'] },
    },
    {
      name: 'store-serves-the-domain-only',
      severity: 'error',
      comment:
        'The store implements ports: it may not reach up into a surface, the HTTP helpers or the wiring.',
      from: { path: '^functions/store/' },
      to: {
        path: [
          '^functions/(api|voice|http|fanout|socket|twilio|webhooks|outbound)/',
          '^functions/parley\\.ts$',
          '^functions/parley-calls\\.ts$',
          '^functions/parley-voice\\.ts$',
          '^functions/parley-socket\\.ts$',
          '^functions/parley-sessions\\.ts$',
          '^functions/parley-twilio\\.ts$',
          '^functions/parley-webhooks\\.ts$',
          '^functions/wiring\\.ts$',
        ],
      },
    },
    {
      name: 'only-the-wiring-and-the-stream-consumers-import-the-store',
      severity: 'error',
      comment:
        'functions/parley.ts, functions/parley-calls.ts, functions/parley-voice.ts, functions/parley-socket.ts and functions/parley-sessions.ts bind the use-cases to the store; the reaper clears storage leftovers; the fan-out handler decodes stream records.',
      from: {
        path: '^functions/',
        pathNot: [
          '^functions/store/',
          '^functions/parley\\.ts$',
          '^functions/parley-calls\\.ts$',
          '^functions/parley-voice\\.ts$',
          '^functions/parley-socket\\.ts$',
          '^functions/parley-sessions\\.ts$',
          '^functions/parley-twilio\\.ts$',
          '^functions/parley-webhooks\\.ts$',
          '^functions/reaper/',
          '^functions/fanout/handler\\.ts$',
        ],
      },
      to: { path: '^functions/store/' },
    },
    {
      name: 'the-api-loads-the-rest-root-only',
      severity: 'error',
      comment:
        'The API Lambda binds the REST use-cases (functions/parley.ts); functions/parley-voice.ts would bring the call rules and the call store into its bundle.',
      from: { path: '^functions/api/' },
      to: { path: '^functions/parley-(voice|twilio)\\.ts$', reachable: true },
    },
    {
      name: 'the-api-lambda-carries-no-numbers-or-legs',
      severity: 'error',
      comment:
        "Number routes and legs are the calls Lambda's (functions/api/calls-router.ts): functions/parley-calls.ts would bring their use-cases and repositories back into the API Lambda's bundle.",
      from: { path: '^functions/api/router\\.ts$' },
      to: { path: '^functions/parley-calls\\.ts$', reachable: true },
    },
    {
      name: 'the-api-lambda-carries-no-sessions',
      severity: 'error',
      comment:
        "Client SDK sessions over REST (the token refresh) are the client Lambda's (functions/api/client-router.ts): functions/parley-sessions.ts would bring the connection store into the API Lambda's bundle.",
      from: { path: '^functions/api/router\\.ts$' },
      to: { path: '^functions/parley-(sessions|socket)\\.ts$', reachable: true },
    },
    {
      name: 'voice-loads-the-call-root-only',
      severity: 'error',
      comment:
        'The voice Lambdas bind the call use-cases (functions/parley-voice.ts); functions/parley.ts would bring every REST use-case into their bundles.',
      from: { path: '^functions/voice/' },
      to: { path: '^functions/parley(-twilio|-calls)?\\.ts$', reachable: true },
    },
    {
      name: 'twilio-loads-its-root-only',
      severity: 'error',
      comment:
        'The Twilio Lambda binds its use-cases through functions/parley-twilio.ts; the other roots would bring the Vonage routes or the call store into its bundle.',
      from: { path: '^functions/twilio/' },
      to: { path: '^functions/parley(-voice|-calls)?\\.ts$', reachable: true },
    },
    {
      name: 'only-webhook-lambdas-load-the-webhook-root',
      comment:
        'functions/parley-webhooks.ts brings delivery, SQS and the outbound HTTP client: the API and voice Lambdas never carry it.',
      severity: 'error',
      from: { path: '^functions/(api|voice|docs|http)/' },
      to: { path: '^functions/parley-webhooks\\.ts$', reachable: true },
    },
    {
      name: 'http-helpers-serve-surfaces',
      severity: 'error',
      comment: 'The shared HTTP middlewares know the domain errors, not the wiring or a surface.',
      from: { path: '^functions/http/' },
      to: {
        path: ['^functions/(api|voice|twilio|docs)/', '^functions/parley(-voice|-twilio|-calls)?\\.ts$'],
      },
    },
    {
      name: 'docs-never-load-the-wiring',
      severity: 'error',
      comment:
        'The docs Lambda reads route contracts and docs only: the wiring would pull the store and the AWS SDK into its bundle.',
      from: { path: '^functions/docs/' },
      to: { path: '^functions/parley(-voice|-twilio|-calls)?\\.ts$', reachable: true },
    },
    {
      name: 'cli-is-a-client',
      severity: 'error',
      comment: 'The CLI talks to the public API; it shares request schemas and errors, never the store.',
      from: { path: '^cli/' },
      to: { path: ['^functions/store/', '^functions/parley(-voice|-twilio|-calls)?\\.ts$'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { extensions: ['.ts', '.js'] },
  },
};
