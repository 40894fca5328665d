/** Paging as the use-cases see it: a page of items and opaque cursors to the next and previous ones. */

/** Where a page starts: after (`next`) or before (`prev`) the item with key `k`. Opaque to the domain. */
export interface PageCursor {
  d: 'next' | 'prev';
  k: Record<string, string>;
}

export interface Page<T> {
  items: T[];
  next?: PageCursor;
  prev?: PageCursor;
}

export interface PageQuery {
  order: 'asc' | 'desc';
  pageSize: number;
  cursor?: PageCursor;
}
