import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { consolePageOf } from '../../src/server/notifications/console-page.js';

describe('the console page a push notification opens', () => {
  it('is the thing the notification is about, where the console has a page for it', () => {
    assert.equal(consolePageOf({ id: 'n1', type: 'instanceStateChanged', data: { instance: { id: 'i-1/x' } } }), 'instances/i-1%2Fx');
    assert.equal(consolePageOf({ id: 'n1', type: 'approvalRequested', data: {} }), 'approvals');
    assert.equal(consolePageOf({ id: 'n1', type: 'quotaThresholdReached', data: {} }), 'quotas');
    assert.equal(consolePageOf({ id: 'n1', type: 'jobFailed', data: {} }), 'jobs');
  });
  it('is the notification itself otherwise', () => {
    assert.equal(consolePageOf({ id: 'n 1', type: 'loginApproved', data: {} }), 'notifications?id=n%201');
    assert.equal(consolePageOf({ id: 'n2', type: 'instanceStateChanged', data: null }), 'notifications?id=n2');
  });
});
