/**
 * The pages of listings still arriving are stored uncompressed: a page is read once, seconds
 * later, and compressing it took longer than writing it whole (100 pages of 1,000 servers:
 * about 0.1 s more to store on either database; docs/benchmarks.md §15).
 */
export default {
  version: 21,
  name: 'listing-pages-uncompressed',
  sql: /* sql */ `
ALTER TABLE agent_listing_pages ALTER COLUMN instances SET STORAGE EXTERNAL;
`,
};
