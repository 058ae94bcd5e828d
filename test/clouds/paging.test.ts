import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CloudError } from '../../src/clouds/driver.js';
import { allByLink, allByMarker, allByToken } from '../../src/clouds/paging.js';

/** A listing of `count` items served `size` at a time, recording which pages were asked for. */
function source(count: number, size: number) {
  const items = Array.from({ length: count }, (_, i) => `item-${i}`);
  const asked: Array<string | null> = [];
  const after = (cursor: string | null) => (cursor === null ? 0 : items.indexOf(cursor) + 1);
  return { items, asked, after, size };
}

describe('paging helpers follow every page', () => {
  it('"link next": follows next links until a page names none', async () => {
    const s = source(5, 2);
    const all = await allByLink<string>(
      '/things?limit=2',
      async (link) => {
        s.asked.push(link);
        const from = Number(new URL(link, 'http://x').searchParams.get('from') ?? 0);
        const page = s.items.slice(from, from + 2);
        return { items: page, next: from + 2 < s.items.length ? `/things?limit=2&from=${from + 2}` : null };
      },
      { what: 'things' },
    );
    assert.deepEqual(all, s.items);
    assert.deepEqual(s.asked, ['/things?limit=2', '/things?limit=2&from=2', '/things?limit=2&from=4']);
  });

  it('marker: asks for the page after the last item until a page is empty, even after a short page', async () => {
    const s = source(5, 2);
    // A cloud that caps its pages below what was asked for: short pages before the end.
    const pageSizes = [2, 1, 2, 2];
    const all = await allByMarker<string>(
      async (marker) => {
        s.asked.push(marker);
        const from = s.after(marker);
        return s.items.slice(from, from + (pageSizes[s.asked.length - 1] ?? 2));
      },
      (item) => item,
      { what: 'things' },
    );
    assert.deepEqual(all, s.items);
    assert.deepEqual(s.asked, [null, 'item-1', 'item-2', 'item-4']);
  });

  it('page token: passes each token back until there is none', async () => {
    const tokens: Array<string | null> = [];
    const all = await allByToken<number>(
      async (token) => {
        tokens.push(token);
        const from = token === null ? 0 : Number(token);
        return { items: [from, from + 1], next: from < 4 ? String(from + 2) : null };
      },
      { what: 'numbers' },
    );
    assert.deepEqual(all, [0, 1, 2, 3, 4, 5]);
    assert.deepEqual(tokens, [null, '2', '4']);
  });

  it('a page that fails fails the whole listing: no partial result', async () => {
    const failure = new CloudError('api', 'page 2 failed');
    await assert.rejects(
      allByLink<number>('/p1', async (link) => {
        if (link === '/p2') throw failure;
        return { items: [1, 2], next: '/p2' };
      }, { what: 'things' }),
      (error) => error === failure,
    );
  });

  it('a listing disturbed by changes made meanwhile (a page handed out twice) starts over, and returns only the clean pass', async () => {
    let pass = 0;
    const pages: Record<string, { items: number[]; next: string | null }> = {
      '/p1': { items: [1, 2], next: '/p2' },
      '/p2': { items: [3, 4], next: '/p3' },
      '/p3': { items: [5], next: null },
    };
    const listed = await allByLink<number>(
      '/p1',
      async (link) => {
        if (link === '/p1') pass += 1;
        // The first pass sees the list change under it: page 2 points back at itself.
        if (pass === 1 && link === '/p2') return { items: [3, 4], next: '/p2' };
        return pages[link]!;
      },
      { what: 'things' },
    );
    assert.deepEqual([listed, pass], [[1, 2, 3, 4, 5], 2]);
  });

  it('a cloud handing out the same page again ends in an error, not a loop', async () => {
    await assert.rejects(
      allByLink<number>('/p1', async () => ({ items: [1], next: '/p2' }), { what: 'things' }),
      (error) => error instanceof CloudError && error.reason === 'api' && /twice/.test(error.message) && error.retryable,
    );
    await assert.rejects(
      allByToken<number>(async (token) => ({ items: [1], next: `${Number(token ?? 0) + 1}` }), { what: 'things', maxPages: 3 }),
      (error) => error instanceof CloudError && /after 3 pages/.test(error.message),
    );
  });
});
