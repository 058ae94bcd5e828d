import type { CompatAction } from '../action.js';
import { imageActions } from './compute-images.js';
import { instanceActions } from './compute-instances.js';
import { keyActions } from './compute-keys.js';
import { runActions } from './compute-run.js';

/** The compute actions: instances (compute-instances, compute-run), shapes, images and SSH keys. */
export const computeActions: readonly CompatAction[] = [...instanceActions, ...runActions, ...imageActions, ...keyActions];
