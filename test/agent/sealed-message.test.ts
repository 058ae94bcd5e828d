import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ReplayCache } from '../../src/server/auth/replay-cache.js';
import { openSignedMessage, sealMessage, SignedMessageError, type SigningKey } from '../../src/protocol/envelope/signed-message.js';

const key: SigningKey = { keyId: 'AKSEALED', secret: randomBytes(16).toString('hex') };
const options = (replays?: ReplayCache) => ({ now: Date.now(), windowMs: 300_000, lookup: (id: string) => (id === key.keyId ? key : null), replays });
const refused = (problem: string) => (error: unknown) => error instanceof SignedMessageError && error.problem === problem;

describe('sealed messages between servers and agents', () => {
  it('open to the plaintext they were sealed with', async () => {
    const sealed = sealMessage(key, '[{"id":"1","type":"PING"}]', { date: Date.now(), userIdentifier: 'EDGE' });
    const opened = await openSignedMessage(sealed.headers, sealed.body, options());
    assert.equal(opened.plaintext, '[{"id":"1","type":"PING"}]');
    assert.equal(opened.userIdentifier, 'EDGE');
  });

  it('refuse a body that is not standard base64: another alphabet, a stray character, padding inside', async () => {
    const sealed = sealMessage(key, '[]', { date: Date.now(), userIdentifier: 'EDGE' });
    const text = sealed.body.toString('latin1');
    const urlSafe = text.replace(/\+/g, '-').replace(/\//g, '_');
    const variants = [
      text.slice(0, 20) + '*' + text.slice(20),
      text.slice(0, 20) + ' ' + text.slice(21),
      text.slice(0, 20) + '=' + text.slice(21),
      `${text}===`,
      ...(urlSafe === text ? [] : [urlSafe]),
    ];
    for (const variant of variants) {
      await assert.rejects(openSignedMessage(sealed.headers, Buffer.from(variant, 'latin1'), options()), refused('undecryptable'), variant);
    }
  });

  it('refuse a changed body and a replayed one; the same plaintext sealed again is a new message', async () => {
    const replays = new ReplayCache(300_000);
    const sealed = sealMessage(key, '[{"id":"1","type":"PING"}]', { date: Date.now(), userIdentifier: 'EDGE' });
    // A copy with the ciphertext changed but the IV and tag kept, sent ahead of the real message.
    const bytes = Buffer.from(sealed.body.toString('latin1'), 'base64');
    bytes[14] = bytes[14]! ^ 1;
    await assert.rejects(openSignedMessage(sealed.headers, Buffer.from(bytes.toString('base64'), 'latin1'), options(replays)), refused('undecryptable'));
    await openSignedMessage(sealed.headers, sealed.body, options(replays));
    await assert.rejects(openSignedMessage(sealed.headers, sealed.body, options(replays)), refused('replay'));
    const again = sealMessage(key, '[]', { date: Date.now(), userIdentifier: 'EDGE' });
    await openSignedMessage(again.headers, again.body, options(replays));
    // The first body under the headers of a later message (another date, another signature).
    const later = sealMessage(key, '[]', { date: Date.now() + 2000, userIdentifier: 'EDGE' });
    assert.notEqual(later.headers['maestro-authentication'], sealed.headers['maestro-authentication']);
    await assert.rejects(openSignedMessage(later.headers, sealed.body, options(replays)), refused('replay'));
  });
});
