import { z } from 'zod';
import { readAnswer } from './json.js';

/** One endpoint of Keystone's service catalog, flattened. */
export interface ServiceEndpoint {
  type: string;
  region: string;
  interface: string;
  url: string;
}

const tokenBody = z.object({
  token: z.object({
    issued_at: z.iso.datetime({ offset: true }),
    expires_at: z.iso.datetime({ offset: true }),
    project: z.object({ id: z.string() }).optional(),
    catalog: z
      .array(
        z.object({
          type: z.string(),
          endpoints: z.array(z.object({ region_id: z.string().nullish(), region: z.string().nullish(), interface: z.string(), url: z.string() })),
        }),
      )
      .default([]),
  }),
});

/** Keystone v3's answer to POST /auth/tokens: when the token expires, its project, the catalog. */
export function parseToken(text: string): { issuedAt: Date; expiresAt: Date; projectId: string; catalog: ServiceEndpoint[] } {
  const { token } = readAnswer(tokenBody, text, 'a token request');
  return {
    issuedAt: new Date(token.issued_at),
    expiresAt: new Date(token.expires_at),
    projectId: token.project?.id ?? '',
    catalog: token.catalog.flatMap((service) =>
      service.endpoints.map((e) => ({ type: service.type, region: e.region_id ?? e.region ?? '', interface: e.interface, url: e.url })),
    ),
  };
}
