/**
 * Twilio's list envelope: `{<key>: [...], meta: {page, page_size, first_page_url, previous_page_url, url,
 * next_page_url, key}}`. The library follows `next_page_url` exactly as given, so every link is absolute
 * and carries every query parameter of the request. `PageToken` is Parley's signed cursor, bound to the
 * list (its path and its filters), as on the Vonage surface.
 */
import type { Page, PageCursor } from '../domain/page.ts';
import { decodeCursor, encodeCursor } from '../http/paging.ts';
import { json } from '../http/respond.ts';
import type { ApiEvent, ApiResult } from '../http/types.ts';

/** Twilio's default page size. */
export const DEFAULT_PAGE_SIZE = 50;

const PAGING = new Set(['PageToken', 'PageSize', 'Page']);

const paramsOf = (event: ApiEvent): URLSearchParams => new URLSearchParams(event.rawQueryString ?? '');

/** The list a token belongs to: the path and every query parameter but the paging ones. */
const scopeOf = (event: ApiEvent): string => {
  const filters = [...paramsOf(event)]
    .filter(([k]) => !PAGING.has(k))
    .map(([k, v]) => new URLSearchParams({ [k]: v }).toString())
    .sort();
  return `twilio:${event.rawPath.replace(/\/+$/, '')}?${filters.join('&')}`;
};

export interface PageParams {
  PageSize?: number;
  Page?: number;
  PageToken?: string;
}

/** The page size, number and cursor a list request asks for. */
export const pageOf = (event: ApiEvent, query: PageParams) => ({
  pageSize: query.PageSize ?? DEFAULT_PAGE_SIZE,
  page: query.Page ?? 0,
  cursor: decodeCursor(query.PageToken, scopeOf(event)),
});

/** The answer of a list: the items under `key` and the `meta` the library pages with. */
export const listResponse = <T>(
  event: ApiEvent,
  origin: string,
  key: string,
  page: Page<T>,
  asked: { pageSize: number; page: number },
  present: (item: T) => unknown,
): ApiResult => {
  const url = `${origin}${event.rawPath.replace(/\/+$/, '')}`;
  const scope = scopeOf(event);
  const linkTo = (cursor: PageCursor | undefined, number: number): string => {
    const params = paramsOf(event);
    for (const k of PAGING) params.delete(k);
    params.set('PageSize', String(asked.pageSize));
    params.set('Page', String(number));
    if (cursor) params.set('PageToken', encodeCursor(cursor, scope));
    return `${url}?${params.toString()}`;
  };
  const self = paramsOf(event);
  self.set('PageSize', String(asked.pageSize));
  self.set('Page', String(asked.page));
  return json(200, {
    [key]: page.items.map(present),
    meta: {
      page: asked.page,
      page_size: asked.pageSize,
      first_page_url: linkTo(undefined, 0),
      previous_page_url: page.prev && asked.page > 0 ? linkTo(page.prev, asked.page - 1) : null,
      url: `${url}?${self.toString()}`,
      next_page_url: page.next ? linkTo(page.next, asked.page + 1) : null,
      key,
    },
  });
};
