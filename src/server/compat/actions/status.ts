import { z } from 'zod';
import { defineAction } from '../action.js';

/**
 * M3_STATUS, the clients' health check, called before every command: it answers whatever the
 * caller may do, so it reads settings only. The command-line client keeps the version and the
 * three distribution URLs under these names and repeats the check before each command while one
 * is missing or empty.
 */
export const status = defineAction({
  action: 'M3_STATUS',
  // Clients send their version details here; nothing in them changes the answer.
  params: z.object({}),
  async run(_params, { server }) {
    return {
      serverAvailable: true,
      serverVersion: server.version,
      cliLatestVersion: server.cliLatestVersion,
      cliWindowsDistributionUrl: server.cliDownloadUrl,
      cliLinuxDistributionUrl: server.cliDownloadUrl,
      cliMacOsDistributionUrl: server.cliDownloadUrl,
      cliDistributionLatestVersionUrl: server.cliDownloadUrl,
      mails: server.mails,
      ownership: true,
      terraform: false,
    };
  },
});
