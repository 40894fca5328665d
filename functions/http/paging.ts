/**
 * Cursor paging as the Vonage v1 API does it: `page_size` 1–100 (default 10), `order` asc|desc, an opaque
 * `cursor`, and absolute `_links.{first,self,next,prev}.href`; `next` is absent on the last page.
 */
import * as v from 'valibot';
import { requestError } from '../domain/errors.ts';
import type { PageCursor } from '../domain/ports.ts';
import type { ApiEvent } from './types.ts';
import { integer, picklist, string } from './validate.ts';

export const pageSizeSchema = v.optional(integer({ min: 1, max: 100, coerce: true }));
export const orderSchema = v.optional(picklist(['asc', 'desc'], { caseInsensitive: true }));
export const cursorSchema = v.optional(string());

const invalidCursor = requestError.invalidCursor;

export const encodeCursor = (cursor: PageCursor): string =>
  Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');

export const decodeCursor = (raw: string | undefined): PageCursor | undefined => {
  if (raw === undefined) return undefined;
  try {
    const value = JSON.parse(Buffer.from(raw, 'base64url').toString('utf8'));
    if (
      typeof value === 'object' &&
      value !== null &&
      (value.d === 'next' || value.d === 'prev') &&
      typeof value.k === 'object' &&
      value.k !== null &&
      Object.values(value.k).every((v) => typeof v === 'string')
    )
      return value as PageCursor;
  } catch {
    // fall through
  }
  throw invalidCursor();
};

/** The paging parameters of a list request, with Vonage's defaults (`asc`, 10 a page). */
export const pageRequest = (query: { order?: 'asc' | 'desc'; page_size?: number; cursor?: string }) => ({
  order: query.order ?? 'asc',
  pageSize: query.page_size ?? 10,
  cursor: decodeCursor(query.cursor),
});

/** The absolute base URL of this deployment: PUBLIC_BASE_URL, else the host the request came to. */
export const baseUrl = (event: ApiEvent, configured: string | undefined): string => {
  if (configured) return configured;
  const headers = event.headers ?? {};
  const host = headers['x-forwarded-host'] ?? headers.host ?? event.requestContext?.domainName ?? 'localhost';
  const proto = headers['x-forwarded-proto'] ?? 'https';
  return `${proto}://${host}`;
};

/** Query parameters that are kept when building links (everything but the cursor). */
const linkUrl = (base: string, path: string, query: Record<string, string>, cursor?: string): string => {
  const params = new URLSearchParams(query);
  params.delete('cursor');
  if (cursor) params.set('cursor', cursor);
  const qs = params.toString();
  return `${base}${path}${qs ? `?${qs}` : ''}`;
};

export interface PageLinks {
  first: { href: string };
  self: { href: string };
  next?: { href: string };
  prev?: { href: string };
}

export const pageLinks = (
  event: ApiEvent,
  base: string,
  page: { next?: PageCursor; prev?: PageCursor },
  pageSize: number,
  order: 'asc' | 'desc',
): PageLinks => {
  const path = event.rawPath.replace(/\/+$/, '');
  const query: Record<string, string> = {};
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {})) if (v !== undefined) query[k] = v;
  query.page_size = String(pageSize);
  query.order = order;
  const links: PageLinks = {
    first: { href: linkUrl(base, path, query) },
    self: { href: linkUrl(base, path, query, query.cursor) },
  };
  if (page.next) links.next = { href: linkUrl(base, path, query, encodeCursor(page.next)) };
  if (page.prev) links.prev = { href: linkUrl(base, path, query, encodeCursor(page.prev)) };
  return links;
};
