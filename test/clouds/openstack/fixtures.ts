import { readFileSync } from 'node:fs';

/** A recorded answer of the test cloud (scripts/openstack-record.ts), as the driver received it. */
export interface Recorded {
  request: string;
  status: number;
  text: string;
  body: any;
}

export function recorded(name: string): Recorded {
  const saved = JSON.parse(readFileSync(new URL(`./fixtures/${name}.json`, import.meta.url), 'utf8')) as {
    request: string;
    status: number;
    body?: unknown;
    text?: string;
  };
  const text = saved.text ?? JSON.stringify(saved.body);
  return { request: saved.request, status: saved.status, text, body: saved.body ?? null };
}
