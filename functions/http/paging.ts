/**
 * Cursor paging as the Vonage v1 API does it: `page_size` 1–100 (default 10), `order` asc|desc, an opaque
 * `cursor`, and absolute `_links.{first,self,next,prev}.href`; `next` is absent on the last page.
 *
 * A cursor is the position (a store key) as base64url JSON, then `.` and an HMAC-SHA256 (128 bits) of the
 * list it belongs to (the path, the filters, the order) and the position, under `config().cursorSecret`: a
 * cursor edited, forged, or carried to another list or other filters is refused as invalid.
 */
import { createHmac, timingSafeEqual } from 'node:crypto';
import * as v from 'valibot';
import { config } from '../config.ts';
import { requestError } from '../domain/errors.ts';
import type { Page, PageCursor } from '../domain/ports.ts';
import { json } from './respond.ts';
import type { ApiEvent } from './types.ts';
import { integer, picklist, string } from './validate.ts';

export const pageSizeSchema = v.optional(integer({ min: 1, max: 100, coerce: true }));
export const orderSchema = v.optional(picklist(['asc', 'desc'], { caseInsensitive: true }));
export const cursorSchema = v.optional(string());

const invalidCursor = requestError.invalidCursor;

/** The list a cursor belongs to: the path and every query parameter but the cursor and the page size. */
const scopeOf = (event: ApiEvent, order: 'asc' | 'desc'): string => {
  const filters: string[] = [];
  for (const [k, v] of Object.entries(event.queryStringParameters ?? {}))
    if (v !== undefined && k !== 'cursor' && k !== 'page_size' && k !== 'order')
      filters.push(new URLSearchParams({ [k]: v }).toString());
  return `${event.rawPath.replace(/\/+$/, '')}?${filters.sort().join('&')}&order=${order}`;
};

const macOf = (scope: string, position: string): Buffer =>
  createHmac('sha256', config().cursorSecret)
    .update(`parley-cursor\n${scope}\n${position}`)
    .digest()
    .subarray(0, 16);

export const encodeCursor = (cursor: PageCursor, scope: string): string => {
  const position = Buffer.from(JSON.stringify(cursor), 'utf8').toString('base64url');
  return `${position}.${macOf(scope, position).toString('base64url')}`;
};

export const decodeCursor = (raw: string | undefined, scope: string): PageCursor | undefined => {
  if (raw === undefined) return undefined;
  const [position, mac, extra] = raw.split('.');
  const given = Buffer.from(mac ?? '', 'base64url');
  if (extra !== undefined || given.length !== 16 || !timingSafeEqual(given, macOf(scope, position)))
    throw invalidCursor();
  try {
    const value = JSON.parse(Buffer.from(position, 'base64url').toString('utf8'));
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
export const pageRequest = (
  event: ApiEvent,
  query: { order?: 'asc' | 'desc'; page_size?: number; cursor?: string },
) => {
  const order = query.order ?? 'asc';
  return {
    order,
    pageSize: query.page_size ?? 10,
    cursor: decodeCursor(query.cursor, scopeOf(event, order)),
  };
};

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
  const scope = scopeOf(event, order);
  const links: PageLinks = {
    first: { href: linkUrl(base, path, query) },
    self: { href: linkUrl(base, path, query, query.cursor) },
  };
  if (page.next) links.next = { href: linkUrl(base, path, query, encodeCursor(page.next, scope)) };
  if (page.prev) links.prev = { href: linkUrl(base, path, query, encodeCursor(page.prev, scope)) };
  return links;
};

/** The base of a request's absolute links: PUBLIC_BASE_URL, else the host it came to. */
export const linkBase = (event: ApiEvent): string => baseUrl(event, config().publicBaseUrl);

/**
 * A list answered as Vonage does: `page_size`, the items presented under `_embedded[key]` (without a key,
 * `_embedded` is the bare array, as in the events list), and `_links`.
 */
export const listPage = <T>(
  event: ApiEvent,
  paging: { pageSize: number; order: 'asc' | 'desc' },
  page: Page<T>,
  key: string | undefined,
  present: (base: string, item: T) => unknown,
) => {
  const base = linkBase(event);
  const items = page.items.map((item) => present(base, item));
  return json(200, {
    page_size: paging.pageSize,
    _embedded: key ? { [key]: items } : items,
    _links: pageLinks(event, base, page, paging.pageSize, paging.order),
  });
};
