/**
 * The pages of listings still arriving keep their servers as JSON text, not jsonb: the message was
 * validated when it arrived, and parsing it into jsonb cost the embedded database more than the
 * rest of receiving it (docs/benchmarks.md §15). Pages in flight convert as they are.
 */
export default {
  version: 18,
  name: 'listing-pages-text',
  sql: /* sql */ `
ALTER TABLE agent_listing_pages ALTER COLUMN instances TYPE text USING instances::text;
`,
};
