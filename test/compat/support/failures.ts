import assert from 'node:assert/strict';
import { M3CallError, type M3Result } from './m3-client.js';

/** The result of a Maestro-protocol call that must fail: FAILED, no data, a readable error. */
export async function failureOf(call: Promise<unknown>): Promise<M3Result & { readableError: string }> {
  try {
    await call;
  } catch (error) {
    assert.ok(error instanceof M3CallError, String(error));
    assert.equal(error.result.status, 'FAILED');
    assert.equal(error.result.data, 'null');
    return { ...error.result, readableError: String(error.result.readableError) };
  }
  assert.fail('the call succeeded; it was expected to fail');
}

/** Asserts a Maestro-protocol call fails with this status code and a readable error matching `pattern`; returns that error. */
export async function failsWith(call: Promise<unknown>, statusCode: number, pattern: RegExp): Promise<string> {
  const result = await failureOf(call);
  assert.equal(result.statusCode, statusCode, result.readableError);
  assert.match(result.readableError, pattern);
  return result.readableError;
}
