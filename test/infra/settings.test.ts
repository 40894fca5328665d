import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { settingsFromContext } from '../../infra/settings.ts';

const dir = mkdtempSync(join(tmpdir(), 'parley-settings-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const contextOf =
  (values: Record<string, unknown>) =>
  (key: string): unknown =>
    values[key];

// No APPLICATION_* in this environment: the fallback must come from the dev folder.
const noEnv = { devDir: join(dir, 'dev'), env: {} };

describe('Function: settingsFromContext', () => {
  it('takes the application id and the public key from a file named in context', () => {
    // Prepare
    const keyFile = join(dir, 'public.pem');
    writeFileSync(keyFile, '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n');

    // Act
    const settings = settingsFromContext(
      contextOf({ applicationId: 'app-1', applicationPublicKeyFile: keyFile }),
      noEnv,
    );

    // Assess
    expect(settings).toEqual({
      applicationId: { value: 'app-1' },
      applicationPublicKey: { value: '-----BEGIN PUBLIC KEY-----\nabc\n-----END PUBLIC KEY-----\n' },
      logLevel: 'INFO',
      destroyOnRemoval: false,
    });
  });

  it('takes SSM parameter names, limits, secrets parameters and the removal flag', () => {
    // Act
    const settings = settingsFromContext(
      contextOf({
        applicationIdParameter: '/parley/application-id',
        applicationPublicKeyParameter: '/parley/public-key',
        publicBaseUrl: 'https://parley.example.com',
        maxMembersPerConversation: '25',
        maxCallSeconds: 900,
        vonageSignatureSecretParameter: '/parley/vonage',
        twilioAuthTokenParameter: '/parley/twilio',
        twilioAccountSid: `AC${'a'.repeat(32)}`,
        twilioApiKeySid: `SK${'b'.repeat(32)}`,
        twilioApiKeySecretParameter: '/parley/twilio-api-key-secret',
        logLevel: 'debug',
        destroyOnRemoval: 'true',
      }),
      noEnv,
    );

    // Assess
    expect(settings).toEqual({
      applicationId: { ssmParameter: '/parley/application-id' },
      applicationPublicKey: { ssmParameter: '/parley/public-key' },
      publicBaseUrl: 'https://parley.example.com',
      maxMembersPerConversation: 25,
      maxCallSeconds: 900,
      vonageSignatureSecretParameter: '/parley/vonage',
      twilioAuthTokenParameter: '/parley/twilio',
      twilioAccountSid: `AC${'a'.repeat(32)}`,
      twilioApiKeySid: `SK${'b'.repeat(32)}`,
      twilioApiKeySecretParameter: '/parley/twilio-api-key-secret',
      logLevel: 'DEBUG',
      destroyOnRemoval: true,
    });
  });

  it('refuses a Twilio account SID that is not AC and 32 hex digits', () => {
    // Act / Assess
    expect(() => settingsFromContext(contextOf({ twilioAccountSid: 'SK123' }), noEnv)).toThrow(
      /^context twilioAccountSid must be AC followed by 32 hex digits/,
    );
  });

  it('refuses half an application in one line', () => {
    // Act / Assess
    expect(() => settingsFromContext(contextOf({ applicationId: 'app-1' }), noEnv)).toThrow(
      /^applicationId is set but no public key: add -c applicationPublicKeyFile=/,
    );
    expect(() => settingsFromContext(contextOf({ applicationPublicKey: 'PEM' }), noEnv)).toThrow(
      /^a public key is set but no applicationId/,
    );
  });

  it('says in one line when the key file cannot be read', () => {
    // Act / Assess
    expect(() =>
      settingsFromContext(
        contextOf({ applicationId: 'a', applicationPublicKeyFile: join(dir, 'missing.pem') }),
        noEnv,
      ),
    ).toThrow(/^context applicationPublicKeyFile: cannot read .*missing\.pem/);
  });

  it('refuses a limit that is not a positive integer', () => {
    // Act / Assess
    expect(() =>
      settingsFromContext(
        contextOf({ applicationId: 'a', applicationPublicKey: 'k', maxCallSeconds: '-1' }),
        noEnv,
      ),
    ).toThrow('context maxCallSeconds must be a positive integer, got "-1"');
  });

  it('reads the authorization mode, and refuses one Parley does not know', () => {
    // Act / Assess
    const base = { applicationId: 'a', applicationPublicKey: 'k' };
    expect(settingsFromContext(contextOf({ ...base, authorization: 'acl' }), noEnv).authorization).toBe(
      'acl',
    );
    expect(settingsFromContext(contextOf(base), noEnv).authorization).toBeUndefined();
    expect(() => settingsFromContext(contextOf({ ...base, authorization: 'open' }), noEnv)).toThrow(
      'context authorization must be membership or acl, got "open"',
    );
  });

  it('reads corsOrigins as * or a comma list of origins, and refuses anything else', () => {
    // Act / Assess
    const base = { applicationId: 'a', applicationPublicKey: 'k' };
    expect(settingsFromContext(contextOf(base), noEnv).corsOrigins).toBeUndefined();
    expect(settingsFromContext(contextOf({ ...base, corsOrigins: '*' }), noEnv).corsOrigins).toEqual(['*']);
    expect(
      settingsFromContext(
        contextOf({ ...base, corsOrigins: 'https://app.example.com, http://localhost:5173' }),
        noEnv,
      ).corsOrigins,
    ).toEqual(['https://app.example.com', 'http://localhost:5173']);
    expect(() =>
      settingsFromContext(contextOf({ ...base, corsOrigins: 'https://app.example.com/path' }), noEnv),
    ).toThrow('context corsOrigins: "https://app.example.com/path" is not * nor an origin');
  });

  it('refuses a log level Lambda does not know', () => {
    // Act / Assess
    expect(() =>
      settingsFromContext(
        contextOf({ applicationId: 'a', applicationPublicKey: 'k', logLevel: 'verbose' }),
        noEnv,
      ),
    ).toThrow('context logLevel must be one of DEBUG, INFO, WARN, ERROR, got "verbose"');
  });

  it('falls back to the local dev application (made once, then reused) and says so', () => {
    // Act
    const first = settingsFromContext(contextOf({}), noEnv);
    const second = settingsFromContext(contextOf({}), noEnv);

    // Assess
    expect(first.applicationId).toEqual(second.applicationId);
    expect(first.applicationPublicKey).toEqual({
      value: expect.stringContaining('-----BEGIN PUBLIC KEY-----'),
    });
    expect(first.devApplicationNotice).toMatch(/local dev application .* pass -c applicationId=/);
  });
});
