/**
 * The job engine's vocabulary (seed §3.5.3), as the original names it: a job waits (`pending`,
 * or `postponed` by its handler), runs under a node's lease (`processing`), and ends `success` or
 * `failed` once its attempts are spent.
 */
export const jobStatuses = ['pending', 'processing', 'success', 'failed', 'postponed'] as const;
export type JobStatus = (typeof jobStatuses)[number];

/** A node is `running` while its heartbeat is fresh, `lost` when it stopped beating, `stopped` when it shut down. */
export const nodeStatuses = ['running', 'lost', 'stopped'] as const;
export type NodeStatus = (typeof nodeStatuses)[number];
