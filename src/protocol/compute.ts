import { z } from 'zod';

/** Maestro's reference shapes (seed §4.1.2): clouds without shapes of their own use these. */
export const standardShapes = [
  { name: 'MICRO', cpu: 1, ramGb: 0.5 },
  { name: 'MINI', cpu: 1, ramGb: 1 },
  { name: 'SMALL', cpu: 1, ramGb: 2 },
  { name: 'MEDIUM', cpu: 2, ramGb: 4 },
  { name: 'LARGE', cpu: 2, ramGb: 8 },
  { name: 'XL', cpu: 4, ramGb: 7.5 },
  { name: '2XL', cpu: 4, ramGb: 16 },
  { name: '3XL', cpu: 8, ramGb: 15 },
  { name: '4XL', cpu: 6, ramGb: 23 },
  { name: '5XL', cpu: 8, ramGb: 32 },
  { name: '6XL', cpu: 8, ramGb: 46 },
  { name: '7XL', cpu: 8, ramGb: 61 },
  { name: '8XL', cpu: 16, ramGb: 92 },
] as const;

/** The instance state vocabulary of the original product; the -ing states are transitional. */
export const instanceStates = [
  'pending',
  'starting',
  'running',
  'stopping',
  'stopped',
  'rebooting',
  'shutting-down',
  'terminated',
  'error',
  'unknown',
] as const;
export type InstanceState = (typeof instanceStates)[number];

export const volumeStates = ['creating', 'available', 'attaching', 'in-use', 'detaching', 'deleting', 'deleted', 'error'] as const;
export type VolumeState = (typeof volumeStates)[number];

export const imageStates = ['pending', 'available', 'deleted', 'error'] as const;
export type ImageState = (typeof imageStates)[number];

/** Tag keys and values as most clouds accept them (the strictest common rules). */
export const tagKey = z
  .string()
  .min(1, 'tag keys must not be empty')
  .max(128, 'tag keys are at most 128 characters')
  .regex(/^[\p{L}\p{N} _.:/=+@-]+$/u, "tag keys may contain letters, digits, spaces and '_.:/=+@-'");
export const tagValue = z.string().max(256, 'tag values are at most 256 characters');
export const tags = z
  .record(tagKey, tagValue)
  .refine((value) => Object.keys(value).length <= 50, 'at most 50 tags per resource');
