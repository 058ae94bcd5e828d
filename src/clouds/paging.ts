import { CloudError } from './driver.js';

/**
 * Listings come in pages, and a cloud's default page size silently truncates a listing that
 * reads only the first. One helper per paging style, shared by every driver: a driver says how
 * to fetch one page, the helper follows the pages to the end, and callers never write a page
 * loop. A page that fails fails the whole listing: a partial listing must never look complete
 * (discovery would take the missing instances for vanished ones).
 */

/** One page: its items, and the cursor of the next page (a link, a token), null on the last. */
export interface Page<T, Cursor> {
  items: readonly T[];
  next: Cursor | null;
}

export interface PagingOptions {
  /** What is being listed, for errors ("servers of RegionOne"). */
  what: string;
  /** A bound against a cloud that never stops handing out pages. */
  maxPages?: number;
}

const defaultMaxPages = 10_000;


/** How many times a listing starts over when the cloud's pages contradict each other. */
const RESTARTS = 3;

/** The cloud handed out a page it had handed out before: the list changed under the listing. */
class PagesRepeated extends Error {}

async function followOnce<T, Cursor>(
  first: Cursor | null,
  fetchPage: (cursor: Cursor | null) => Promise<Page<T, Cursor>>,
  key: (cursor: Cursor) => string,
  options: PagingOptions,
): Promise<T[]> {
  const items: T[] = [];
  const seen = new Set<string>();
  const maxPages = options.maxPages ?? defaultMaxPages;
  let cursor = first;
  for (let pages = 1; ; pages += 1) {
    const page = await fetchPage(cursor);
    items.push(...page.items);
    if (page.next === null) return items;
    const next = key(page.next);
    if (seen.has(next)) throw new PagesRepeated(next);
    if (pages >= maxPages) throw new CloudError('api', `listing ${options.what}: still more after ${maxPages} pages; giving up rather than returning part of it`, { retryable: false });
    seen.add(next);
    cursor = page.next;
  }
}

/**
 * Follows the pages to the end. A cloud whose list changes while it is being read (servers made
 * or deleted meanwhile: a busy cloud, or other tests on the same project) can hand out a page it
 * already handed out; the listing then starts over, a few times, before it gives up and fails
 * (never returning what it read so far).
 */
async function follow<T, Cursor>(
  first: Cursor | null,
  fetchPage: (cursor: Cursor | null) => Promise<Page<T, Cursor>>,
  key: (cursor: Cursor) => string,
  options: PagingOptions,
): Promise<T[]> {
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await followOnce(first, fetchPage, key, options);
    } catch (error) {
      if (!(error instanceof PagesRepeated)) throw error;
      if (attempt > RESTARTS) {
        throw new CloudError('api', `listing ${options.what}: the cloud handed out the page after ${error.message} twice, ${attempt} times over; the listing would never end`, {
          retryable: true,
        });
      }
    }
  }
}

/**
 * "Link next" paging: each page names the address of the next (a `next` link in a links list,
 * or a `next` field) until the last page, which names none.
 */
export function allByLink<T>(first: string, fetchPage: (link: string) => Promise<Page<T, string>>, options: PagingOptions): Promise<T[]> {
  return follow<T, string>(first, (link) => fetchPage(link ?? first), (link) => link, options);
}

/**
 * Marker paging: ask for the page after the last item seen (its id) until a page comes back
 * empty. The empty page costs one more call, but a short page proves nothing: clouds cap the
 * page size (at a configured maximum) below what was asked for, without saying so.
 */
export function allByMarker<T>(
  fetchPage: (marker: string | null) => Promise<readonly T[]>,
  markerOf: (item: T) => string,
  options: PagingOptions,
): Promise<T[]> {
  return follow<T, string>(
    null,
    async (marker) => {
      const items = await fetchPage(marker);
      const last = items.at(-1);
      return { items, next: last === undefined ? null : markerOf(last) };
    },
    (marker) => marker,
    options,
  );
}

/** Page-token paging: each page carries an opaque token for the next, absent on the last. */
export function allByToken<T>(fetchPage: (token: string | null) => Promise<Page<T, string>>, options: PagingOptions): Promise<T[]> {
  return follow<T, string>(null, fetchPage, (token) => token, options);
}
