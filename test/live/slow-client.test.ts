import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { SseWriter } from '../../src/server/live/sse.js';
import { PATIENCE_MS } from '../support/eventually.js';

describe('a live stream whose reader falls behind', () => {
  let server: http.Server;
  let url: string;
  const written: Array<{ writer: SseWriter; overflowed: Promise<void> }> = [];

  before(async () => {
    server = http.createServer((_request, response) => {
      let overflow!: () => void;
      const overflowed = new Promise<void>((resolve) => (overflow = resolve));
      const writer = new SseWriter(response, 64 * 1024, overflow);
      writer.open(2000);
      written.push({ writer, overflowed });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/`;
  });
  after(() => new Promise<void>((resolve) => server.close(() => resolve())));

  it('is dropped once more than its buffer waits for it, instead of holding the node’s memory', async () => {
    const request = http.get(url);
    const response = await new Promise<http.IncomingMessage>((resolve) => request.once('response', resolve));
    // A browser tab that stopped reading: nothing is taken off the socket.
    response.pause();
    const { writer, overflowed } = written[0]!;
    const payload = { text: 'x'.repeat(10_000) };
    // The kernel's socket buffers take some megabytes first; the writer must give up well before 200 MB.
    for (let i = 0; i < 20_000 && !writer.closed; i++) writer.send({ event: 'cadf', id: `${i}.0`, data: payload });
    assert.equal(writer.closed, true, 'the writer gave up on the slow reader');
    await Promise.race([overflowed, new Promise((_resolve, reject) => setTimeout(() => reject(new Error('no overflow reported')), PATIENCE_MS))]);
    // The browser sees its connection end, and reconnects with its last id.
    await new Promise<void>((resolve) => {
      response.once('close', resolve);
      response.once('error', () => resolve());
      response.resume();
    });
    request.destroy();
  });
});
