import path from 'node:path';

// Apart from the agent itself, so that a server can find out whether it runs one before loading any agent code.

/** The embedded agent's name as commands take it; Maestro keeps agent names upper case. */
export const EMBEDDED_AGENT = 'embedded';

/** Where the embedded agent keeps its store. */
export const embeddedAgentDirectory = (dataDir: string): string => path.join(dataDir, 'agent');
