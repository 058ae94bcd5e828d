// Run at install time (npm's prepare) so that the first `npm start` does not pay for initdb.
import { defaultSeedCache, pgliteSeed } from './pglite.js';

await pgliteSeed(defaultSeedCache());
