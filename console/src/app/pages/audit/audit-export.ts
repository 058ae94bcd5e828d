import type { ApiService } from '../../core/api.service';

/** One export call's size (the command's maximum) and the most one download holds. */
const exportPage = 10_000;
export const exportCap = 100_000;

export interface ExportedLog {
  records: unknown[];
  /** True when the cap stopped the export before the log's end. */
  truncated: boolean;
}

/** The audit log under the given filters as CADF 1.0 records, page after page (events.export), up to the cap. */
export async function exportAuditLog(api: ApiService, filters: Record<string, unknown>, progress: (count: number) => void): Promise<ExportedLog> {
  const records: unknown[] = [];
  let cursor: string | null = null;
  do {
    const page: { records: unknown[]; nextCursor: string | null } = await api.call('events.export', {
      ...filters,
      limit: exportPage,
      ...(cursor ? { cursor } : {}),
    });
    records.push(...page.records);
    progress(records.length);
    cursor = page.nextCursor;
  } while (cursor && records.length < exportCap);
  return { records, truncated: cursor !== null };
}

/** Hands a file to the browser's download (no server round trip: the records are already here). */
export function download(fileName: string, text: string, type: string): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
