import { z } from 'zod';
import type { CloudVolume } from '../../driver.js';
import type { Page } from '../../paging.js';
import { readAnswer } from './json.js';

export const cinderVolume = z.object({
  id: z.string(),
  name: z.string().nullish(),
  size: z.number(),
  status: z.string(),
  attachments: z.array(z.object({ server_id: z.string().nullish() }).loose()).default([]),
});
export type CinderVolume = z.output<typeof cinderVolume>;

export const volumeOf = (volume: CinderVolume): CloudVolume => ({
  nativeId: volume.id,
  name: volume.name ?? '',
  sizeGb: volume.size,
  attachedTo: volume.attachments.find((a) => a.server_id)?.server_id ?? null,
});

export const readVolume = (text: string) => readAnswer(z.object({ volume: cinderVolume }), text, 'a volume').volume;

export const readVolumePage = (text: string): Page<CinderVolume, string> => {
  const links = z.array(z.object({ rel: z.string(), href: z.string() })).optional();
  const body = readAnswer(z.object({ volumes: z.array(cinderVolume), volumes_links: links }), text, 'a page of volumes');
  return { items: body.volumes, next: body.volumes_links?.find((l) => l.rel === 'next')?.href ?? null };
};
