import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { connectionError, httpError } from '../../../src/clouds/openstack/errors.js';
import { recorded } from './fixtures.js';

const call = { method: 'GET', service: 'compute', path: '/servers/x' };

describe('OpenStack errors in the platform vocabulary, in the cloud\'s words', () => {
  const cases: Array<[string, string, boolean, string]> = [
    ['compute-server-not-found', 'not_found', false, 'Instance 00000000-0000-0000-0000-000000000000 could not be found.'],
    ['compute-create-bad-image', 'not_found', false, 'Can not find requested image'],
    ['compute-stop-conflict', 'conflict', false, "Cannot 'start' instance"],
    ['network-not-found', 'not_found', false, 'Network 00000000-0000-0000-0000-000000000000 could not be found.'],
    ['image-not-found', 'not_found', false, 'No image found with ID 00000000-0000-0000-0000-000000000000'],
    ['identity-refused', 'unauthorized', false, 'The request you have made requires authentication.'],
  ];
  for (const [name, reason, retryable, said] of cases) {
    it(`${name}: ${reason}`, () => {
      const answer = recorded(name);
      const error = httpError(answer.status, answer.text, call);
      assert.equal(error.reason, reason);
      assert.equal(error.retryable, retryable);
      assert.equal(error.status, answer.status);
      // The cloud's own message is kept; Glance's HTML is reduced to its text.
      assert.ok(error.message.includes(said), `${error.message} should say ${said}`);
      assert.doesNotMatch(error.message, /<[a-z]+|\n/);
    });
  }

  const bodies: Array<[number, string, string, boolean]> = [
    [403, '{"forbidden": {"code": 403, "message": "Quota exceeded for cores: Requested 64, but already used 0 of 20 cores"}}', 'quota', false],
    [403, '{"forbidden": {"code": 403, "message": "Policy doesn\'t allow os_compute_api:servers:create:forced_host to be performed."}}', 'unauthorized', false],
    [409, '{"NeutronError": {"type": "OverQuota", "message": "Quota exceeded for resources: [\'floatingip\'].", "detail": ""}}', 'quota', false],
    [409, '{"NeutronError": {"type": "IpAddressGenerationFailure", "message": "No more IP addresses available on network x.", "detail": ""}}', 'capacity', true],
    [404, '{"NeutronError": {"type": "ExternalGatewayForFloatingIPNotFound", "message": "External network x is not reachable from subnet y.", "detail": ""}}', 'invalid', false],
    [413, '{"overLimit": {"code": 413, "message": "VolumeLimitExceeded: Maximum number of volumes allowed (10) exceeded"}}', 'quota', false],
    [429, '{"overLimit": {"code": 429, "message": "This request was rate-limited.", "retryAfter": "2"}}', 'api', true],
    [400, '{"badRequest": {"code": 400, "message": "Invalid key_name provided."}}', 'invalid', false],
    [500, '{"computeFault": {"code": 500, "message": "Unexpected API Error."}}', 'api', true],
    [503, '<html><body><h1>503 Service Unavailable</h1>No server is available to handle this request.</body></html>', 'api', true],
    [501, '{"NeutronError": {"type": "NotImplemented", "message": "Not implemented", "detail": ""}}', 'unsupported', false],
  ];
  for (const [status, body, reason, retryable] of bodies) {
    it(`HTTP ${status} ${body.slice(0, 60)}…: ${reason}${retryable ? ', retryable' : ''}`, () => {
      const error = httpError(status, body, call);
      assert.deepEqual([error.reason, error.retryable], [reason, retryable]);
    });
  }

  it('a refused connection is a retryable api error naming the service and address', () => {
    const refused = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:8774'), { code: 'ECONNREFUSED' }) });
    const error = connectionError(refused, { method: 'GET', service: 'compute', url: 'http://127.0.0.1:8774/v2.1' });
    assert.deepEqual([error.reason, error.retryable], ['api', true]);
    assert.match(error.message, /cannot reach compute at http:\/\/127\.0\.0\.1:8774\/v2\.1: ECONNREFUSED/);
  });

  it('an untrusted certificate is not retried and says to set caBundle', () => {
    const untrusted = Object.assign(new TypeError('fetch failed'), { cause: Object.assign(new Error('self-signed certificate'), { code: 'DEPTH_ZERO_SELF_SIGNED_CERT' }) });
    const error = connectionError(untrusted, { method: 'POST', service: 'identity', url: 'https://keystone:5000/v3/auth/tokens' });
    assert.deepEqual([error.reason, error.retryable], ['api', false]);
    assert.match(error.message, /set caBundle/);
  });
});
