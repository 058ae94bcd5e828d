import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { serverOfNotification } from '../../../src/clouds/openstack/notifications.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url));

describe("Nova's versioned notifications", () => {
  it('name the server a real notification is about (instance.power_off.end, recorded from the test cloud)', () => {
    const body = fixture('notification-instance-power-off-end.json');
    const uuid = (JSON.parse(JSON.parse(body.toString()) ['oslo.message']) as { payload: { 'nova_object.data': { uuid: string } } }).payload['nova_object.data'].uuid;
    assert.equal(serverOfNotification(body), uuid);
  });

  it('ignore what is not about a server, and anything that is not a notification, without throwing', () => {
    const other = JSON.stringify({ 'oslo.version': '2.0', 'oslo.message': JSON.stringify({ event_type: 'service.update', payload: { 'nova_object.data': { uuid: 'x' } } }) });
    for (const body of [other, '{}', 'not json', JSON.stringify({ 'oslo.message': '{' }), '[]']) assert.equal(serverOfNotification(Buffer.from(body)), null, body);
  });
});
