import { z } from 'zod';
import type { CloudImage } from '../../driver.js';
import type { Page } from '../../paging.js';
import { readAnswer } from './json.js';

export const glanceImage = z.object({
  id: z.string(),
  name: z.string().nullish(),
  status: z.string(),
  visibility: z.string().optional(),
  min_disk: z.number().nullish(),
  size: z.number().nullish(),
  os_distro: z.string().nullish(),
  os_type: z.string().nullish(),
});
export type GlanceImage = z.output<typeof glanceImage>;

const GiB = 1024 ** 3;

/**
 * An image in the platform's terms. The operating system comes from the properties the
 * OpenStack docs recommend (os_distro, else os_type); the smallest disk from min_disk, else from
 * the image's own size rounded up to whole GB.
 */
export function imageOf(image: GlanceImage): CloudImage {
  const fromSize = image.size ? Math.ceil(image.size / GiB) : 0;
  return {
    nativeId: image.id,
    name: image.name ?? image.id,
    os: image.os_distro ?? image.os_type ?? 'linux',
    minDiskGb: Math.max(image.min_disk ?? 0, fromSize),
  };
}

export const readImage = (text: string) => readAnswer(glanceImage, text, 'an image');

/** Glance v2 pages name the next one in a `next` field (a path). */
export const readImagePage = (text: string): Page<GlanceImage, string> => {
  const body = readAnswer(z.object({ images: z.array(glanceImage), next: z.string().optional() }), text, 'a page of images');
  return { items: body.images, next: body.next ?? null };
};
