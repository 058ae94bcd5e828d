// Records one real Nova versioned notification (a server stopped) as the fixture the notification parser is tested on:
//   node --import tsx scripts/openstack-record-notification.ts   (against the test cloud, scripts/backends/openstack.sh)
import { connect } from 'amqplib';
import { writeFileSync } from 'node:fs';
import { DirectOpenStack } from '../test/clouds/openstack-direct.js';
const connection = await connect('amqp://openstack:openstack@127.0.0.1:5672/openstack');
const channel = await connection.createChannel();
const { queue } = await channel.assertQueue('', { exclusive: true });
await channel.bindQueue(queue, 'nova', 'versioned_notifications.info');
const direct = await DirectOpenStack.login();
const got = new Promise<Buffer>((resolve) => void channel.consume(queue, (m) => {
  if (!m) return;
  const text = m.content.toString();
  if (text.includes('instance.power_off.end')) resolve(m.content);
}, { noAck: true }));
const net = (await direct.ok('network', 'GET', '/v2.0/networks?name=public')).networks[0];
const flavor = (await direct.ok('compute', 'GET', '/flavors')).flavors.find((f: any) => f.name === 'm1.tiny');
const image = (await direct.ok('image', 'GET', '/v2/images?name=fake-image')).images[0];
const server = (await direct.ok('compute', 'POST', '/servers', { server: { name: 'record-notification', flavorRef: flavor.id, imageRef: image.id, networks: 'none' } })).server;
for (let i = 0; i < 60; i++) { const s = (await direct.ok('compute', 'GET', `/servers/${server.id}`)).server; if (s.status === 'ACTIVE') break; await new Promise((r) => setTimeout(r, 1000)); }
await direct.ok('compute', 'POST', `/servers/${server.id}/action`, { 'os-stop': null });
const body = await got;
writeFileSync('test/clouds/openstack/fixtures/notification-instance-power-off-end.json', JSON.stringify(JSON.parse(body.toString()), null, 2) + '\n');
console.log('server', server.id);
await direct.deleteServer(server.id);
await connection.close();
