import assert from 'node:assert/strict';
import { M3CallError } from './m3-client.js';

/** Asserts a Maestro-protocol call fails with this status code and a readable error matching `pattern`; returns that error. */
export async function failsWith(call: Promise<unknown>, statusCode: number, pattern: RegExp): Promise<string> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof M3CallError, String(error));
    assert.equal(error.result.status, 'FAILED');
    assert.equal(error.result.statusCode, statusCode, String(error.result.readableError));
    assert.equal(error.result.data, 'null');
    assert.match(String(error.result.readableError), pattern);
    return String(error.result.readableError);
  }
  assert.fail(`the call succeeded; expected FAILED ${statusCode} matching ${pattern}`);
}
