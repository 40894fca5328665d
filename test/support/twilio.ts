import twilio from 'twilio';
import { expect } from 'vitest';
import { resetConfig } from '../../functions/config.ts';
import { startTestServer, type TestServer } from './server.ts';

/** What the library's RequestClient.request takes (its type is not exported by name). */
type RequestOptions<T> = Parameters<twilio.RequestClient['request']>[0] & { data?: T };

/** The account the Twilio tests authenticate as (set into the environment by `useTwilioAccount`). */
export const twilioAccount = {
  accountSid: `AC${'1'.repeat(32)}`,
  authToken: 'parley-test-auth-token',
  apiKeySid: `SK${'2'.repeat(32)}`,
  apiKeySecret: 'parley-test-api-key-secret',
};

/** Sets the Twilio credentials, and PUBLIC_BASE_URL to the test server so that paging links lead back to it. */
export const useTwilioAccount = (baseUrl: string): void => {
  process.env.TWILIO_ACCOUNT_SID = twilioAccount.accountSid;
  process.env.TWILIO_AUTH_TOKEN = twilioAccount.authToken;
  process.env.TWILIO_API_KEY_SID = twilioAccount.apiKeySid;
  process.env.TWILIO_API_KEY_SECRET = twilioAccount.apiKeySecret;
  process.env.PUBLIC_BASE_URL = baseUrl;
  resetConfig();
};

/**
 * The README's `httpClient`: the library's own RequestClient, with Twilio's hosts replaced by Parley's
 * base URL (which holds the `/twilio` prefix). Links Parley returns are already its own and pass as they are.
 */
export class ParleyRequestClient extends twilio.RequestClient {
  constructor(private readonly base: string) {
    super();
  }

  override request<T>(opts: RequestOptions<T>) {
    return super.request<T>({
      ...opts,
      uri: opts.uri.replace(/^https:\/\/[a-z.-]+\.twilio\.com/, this.base),
    });
  }
}

/** The official client, pointed at the test server, with the test account's (or other) credentials. */
export const twilioClient = (baseUrl: string, credentials: { username?: string; password?: string } = {}) =>
  twilio(credentials.username ?? twilioAccount.accountSid, credentials.password ?? twilioAccount.authToken, {
    accountSid: twilioAccount.accountSid,
    httpClient: new ParleyRequestClient(`${baseUrl}/twilio`),
  });

/** A page of the library's `page()`, as far as following `nextPage()` needs it. */
export interface Paged<T> {
  instances: T[];
  nextPage(): Promise<Paged<T>> | undefined;
}

/** Each page's instances, from `first` on, following `nextPage()` until the last. */
export const allPages = async <T>(first: Paged<T>): Promise<T[][]> => {
  const pages: T[][] = [];
  for (let page: Paged<T> | undefined = first; page; page = await page.nextPage()) pages.push(page.instances);
  return pages;
};

/** The JSON body of a raw `fetch` answer. */
// biome-ignore lint/suspicious/noExplicitAny: response bodies are JSON of any shape
export const jsonOf = async (response: Response): Promise<any> => response.json();

/** The Authorization header of the test account (for requests sent without the library). */
export const basicAuth = (): string =>
  `Basic ${Buffer.from(`${twilioAccount.accountSid}:${twilioAccount.authToken}`).toString('base64')}`;

/** A dev server with the test account set, and the library pointed at it. */
export const startTwilioServer = async (): Promise<{
  server: TestServer;
  client: ReturnType<typeof twilioClient>;
}> => {
  const server = await startTestServer();
  useTwilioAccount(server.baseUrl);
  return { server, client: twilioClient(server.baseUrl) };
};

/** What the library raises for an error answer: its code, status, message and more_info. */
export const twilioFailure = async (promise: Promise<unknown>) => {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(twilio.RestException);
    const e = error as InstanceType<typeof twilio.RestException>;
    return { code: e.code, status: e.status, message: e.message, moreInfo: e.moreInfo };
  }
  throw new Error('expected the request to fail');
};

/** The Parley id a SID stands for, written out independently of the surface's own mapping. */
export const parleyIdOf = (prefix: 'CON' | 'MEM' | 'USR', sid: string): string => {
  const x = sid.slice(2);
  return `${prefix}-${x.slice(0, 8)}-${x.slice(8, 12)}-${x.slice(12, 16)}-${x.slice(16, 20)}-${x.slice(20)}`;
};
