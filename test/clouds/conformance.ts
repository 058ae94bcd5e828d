import assert from 'node:assert/strict';
import { after, describe, it, type TestContext } from 'node:test';
import { CloudError, supports, type CloudInstance, type Driver, type DriverCall, type OptionalOperation, type RegionTarget, type ResizeRequest, type RunRequest } from '../../src/clouds/driver.js';
import { waitForState } from '../../src/clouds/waiter.js';
import type { Clock } from '../../src/domain/clock.js';
import { instanceStates, type InstanceState } from '../../src/protocol/compute.js';

/**
 * One suite for every cloud driver: the same cases, run against the simulator always and against
 * each real cloud where it is reachable. A driver that cannot pass a case lists it in `skip` with
 * the reason; optional operations a driver does not declare are skipped on their own.
 */
export interface ConformanceTarget {
  driver: Driver;
  region: RegionTarget;
  /** A fresh per-call context. */
  call(): DriverCall;
  /** The clock waits run on: virtual for the simulator, the system clock for a real cloud. */
  clock: Clock;
  pollMs: number;
  /** How long a state may take to come; a bound for failures, not a wait. */
  timeoutMs: number;
  /** Every name a case gives starts with it, so the target's cleanup finds what was left. */
  prefix: string;
  /** A run in this region of one small instance per name (image, shape, network). */
  runRequest(names: string[]): RunRequest;
  /** Two different public keys in OpenSSH form. */
  publicKeys: [string, string];
  /** Creates an instance in the cloud directly, as someone using the cloud's own console would. */
  createOutside(name: string): Promise<string>;
  /** Makes the next listing of instances fail after its first page. */
  failListingAfterFirstPage?: () => { fired(): boolean; cancel(): void };
  /** Another size than the one runRequest asks for (resize): a named shape of the cloud, or custom CPU and RAM. */
  resizeTo?: ResizeRequest;
  /** Tells the target's cleanup about a resource a case created (public IPs carry no name). */
  created?(kind: 'publicIp' | 'keyPair' | 'image' | 'volume', nativeId: string): void;
}

export const conformanceCases = [
  'capabilities',
  'lifecycle',
  'listing across pages',
  'listing that fails half-way',
  'unknown image',
  'unknown shape',
  'state vocabulary',
  'discovery',
  'tags',
  'shapes',
  'key pairs',
  'public IPs',
  'public IP rules',
  'public IP of a terminated instance',
  'networks and security groups',
  'network moves',
  'images',
  'volumes',
  'resize',
] as const;
export type ConformanceCase = (typeof conformanceCases)[number];

const optionalFor: Partial<Record<ConformanceCase, OptionalOperation>> = {
  'unknown shape': 'shapes',
  shapes: 'shapes',
  'key pairs': 'keyPairs',
  'public IPs': 'publicIps',
  'public IP rules': 'publicIps',
  'public IP of a terminated instance': 'publicIps',
  'networks and security groups': 'networks',
  'network moves': 'networkMoves',
  resize: 'resize',
};

/**
 * Registers the suite. `skip` names the cases the driver cannot pass and why; the cases of
 * optional operations the driver does not declare are skipped with that reason.
 */
export function conformanceSuite(name: string, target: ConformanceTarget, skip: Partial<Record<ConformanceCase, string>> = {}): void {
  const { driver, region } = target;
  const reasonToSkip = (which: ConformanceCase): string | undefined => {
    if (skip[which]) return skip[which];
    const operation = optionalFor[which];
    if (operation && !supports(driver, operation)) return `the driver does not declare the optional operation ${operation}`;
    if (which === 'volumes' && !driver.capabilities.volumes) return 'the region has no volumes (capabilities.volumes is false)';
    if (which === 'images' && !driver.capabilities.images) return 'the region has no images (capabilities.images is false)';
    return undefined;
  };
  const test = (which: ConformanceCase, title: string, fn: (t: TestContext) => Promise<void>) => {
    const why = reasonToSkip(which);
    it(`${which}: ${title}`, why ? { skip: why } : {}, fn);
  };
  /** Runs a step and says, in the test's diagnostics, how long it took on the target's clock. */
  const timed = async <T>(t: TestContext, what: string, step: () => Promise<T>): Promise<T> => {
    const started = target.clock.now().getTime();
    const result = await step();
    t.diagnostic(`${what}: ${target.clock.now().getTime() - started} ms`);
    return result;
  };

  /** The last state each instance was seen in, from runs, actions and polls. */
  const known = new Map<string, InstanceState>();
  const remember = (vms: CloudInstance[]) => vms.forEach((vm) => known.set(vm.nativeId, vm.state));
  const poll = async () => {
    for (const report of await driver.pollStates(region, target.call())) {
      assert.ok(instanceStates.includes(report.state), `pollStates reported ${report.state}, not a platform state`);
      known.set(report.nativeId, report.state);
    }
  };
  /** Waits, through pollStates, until the instances are `wanted`; `via` are the states on the way. */
  const until = (ids: string[], wanted: InstanceState, via: InstanceState[]) =>
    waitForState({
      what: `${ids.join(', ')} to be ${wanted}`,
      pending: ['mixed', ...via],
      target: [wanted],
      refresh: async () => {
        await poll();
        const states = new Set(ids.map((id) => known.get(id) ?? 'unknown'));
        return { state: states.size === 1 ? [...states][0]! : 'mixed', value: undefined, detail: ids.map((id) => `${id}: ${known.get(id)}`).join(', ') };
      },
      timeoutMs: target.timeoutMs,
      minPollMs: target.pollMs,
      maxPollMs: target.pollMs * 4,
      clock: target.clock,
    });
  const listed = async () => new Map((await driver.listInstances(region, target.call())).map((vm) => [vm.nativeId, vm]));
  const run = async (names: string[], extra: Partial<RunRequest> = {}) => {
    const vms = await driver.runInstances(region, { ...target.runRequest(names), ...extra }, target.call());
    remember(vms);
    return vms;
  };
  const act = async (id: string, action: 'start' | 'stop' | 'reboot' | 'terminate') => {
    known.set(id, await driver.instanceAction(region, id, action, target.call()));
  };

  /** One running instance shared by the cases that only need one (tags, public IPs, images, volumes, resize last). */
  let shared: Promise<string> | undefined;
  const sharedInstance = () =>
    (shared ??= (async () => {
      const [vm] = await run([`${target.prefix}-shared`]);
      await until([vm!.nativeId], 'running', ['pending', 'starting']);
      return vm!.nativeId;
    })());

  describe(`${name}: driver conformance`, () => {
    after(async () => {
      const ids = [...known].filter(([, state]) => state !== 'terminated').map(([id]) => id);
      await Promise.allSettled(ids.map((id) => driver.instanceAction(region, id, 'terminate', target.call())));
    });

    test('capabilities', 'every optional operation declared has its methods', async () => {
      const methods: Record<OptionalOperation, string[]> = {
        shapes: ['listShapes'],
        networks: ['listNetworks'],
        securityGroups: ['listSecurityGroups'],
        publicIps: ['listPublicIps', 'allocatePublicIp', 'associatePublicIp', 'disassociatePublicIp', 'releasePublicIp'],
        keyPairs: ['importKeyPair'],
        resize: ['resizeInstance'],
        networkMoves: ['moveInstanceToNetwork'],
      };
      for (const operation of driver.capabilities.optional) {
        for (const method of methods[operation]) {
          assert.equal(typeof (driver as unknown as Record<string, unknown>)[method], 'function', `${operation} is declared but ${method} is missing`);
        }
      }
    });

    test('lifecycle', 'run → running → stop → stopped → start → running → reboot → running → terminate → terminated', async (t) => {
      // With a key to import and, where the driver has them, a security group named.
      const groups = supports(driver, 'securityGroups') ? await driver.listSecurityGroups(region, target.call()) : [];
      const extra = { publicKey: target.publicKeys[0], ...(groups[0] ? { securityGroups: [groups[0].name] } : {}) };
      const [vm] = await timed(t, 'run (the call)', () => run([`${target.prefix}-life`], extra));
      assert.ok(vm && ['pending', 'running'].includes(vm.state), `a new instance is pending or running, not ${vm?.state}`);
      const id = vm.nativeId;
      await timed(t, 'run → running', () => until([id], 'running', ['pending', 'starting']));
      assert.equal((await listed()).get(id)?.state, 'running');
      await act(id, 'stop');
      await timed(t, 'stop → stopped', () => until([id], 'stopped', ['stopping', 'running']));
      await act(id, 'start');
      await timed(t, 'start → running', () => until([id], 'running', ['starting', 'stopped']));
      await act(id, 'reboot');
      await timed(t, 'reboot → running', () => until([id], 'running', ['rebooting']));
      await act(id, 'terminate');
      await timed(t, 'terminate → terminated', () => until([id], 'terminated', ['shutting-down', 'running']));
      assert.equal((await listed()).has(id), false, 'a terminated instance is no longer listed');
    });

    describe('listings', () => {
      let ids: string[] = [];
      const ready = async () => {
        if (ids.length > 0) return ids;
        const vms = await run([1, 2, 3, 4, 5].map((n) => `${target.prefix}-many-${n}`));
        ids = vms.map((vm) => vm.nativeId);
        // Built: while they are being built a cloud may list them twice or not at all (Nova merges
        // its build requests into its pages); the driver's duty is the complete listing after.
        await until(ids, 'running', ['pending', 'starting']);
        return ids;
      };
      after(async () => {
        for (const id of ids) await act(id, 'terminate').catch(() => undefined);
      });

      test('listing across pages', 'lists every instance, however many pages it takes', async () => {
        const created = await ready();
        const all = await listed();
        for (const id of created) assert.ok(all.has(id), `instance ${id} is missing from the listing`);
      });

      test('listing that fails half-way', 'a listing whose second page fails throws instead of returning part', async () => {
        await ready();
        // A cloud may end a listing early by itself: Nova answers a short page without a next
        // link while another client's servers are being built. A listing that never asked for a
        // second page proves nothing, so it is tried again.
        for (let attempt = 1; ; attempt += 1) {
          const fault = target.failListingAfterFirstPage!();
          const outcome = await driver.listInstances(region, target.call()).then(
            () => null,
            (error: unknown) => error,
          );
          if (fault.fired()) {
            assert.ok(outcome instanceof CloudError, `the listing returned part of the instances instead of failing (${String(outcome)})`);
            break;
          }
          fault.cancel();
          assert.ok(attempt < 5, 'the cloud never answered a listing in more than one page');
        }
        // The failure was the cloud's, once: the next listing is whole again.
        const all = await listed();
        for (const id of ids) assert.ok(all.has(id), `instance ${id} is missing from the listing after the failure`);
      });
    });

    test('unknown image', 'a run with an image the region lacks fails with not_found and creates nothing', async () => {
      const name = `${target.prefix}-noimage`;
      await assert.rejects(
        driver.runInstances(region, { ...target.runRequest([name]), imageNativeId: '00000000-0000-4000-8000-000000000000' }, target.call()),
        (error) => error instanceof CloudError && error.reason === 'not_found' && !error.retryable,
      );
      assert.deepEqual([...(await listed()).values()].filter((vm) => vm.name === name), []);
    });

    test('unknown shape', 'a run with a shape the region lacks fails with not_found and creates nothing', async () => {
      const name = `${target.prefix}-noshape`;
      await assert.rejects(
        driver.runInstances(region, { ...target.runRequest([name]), shapeNativeId: '00000000-0000-4000-8000-000000000000' }, target.call()),
        (error) => error instanceof CloudError && error.reason === 'not_found',
      );
      assert.deepEqual([...(await listed()).values()].filter((vm) => vm.name === name), []);
    });

    test('state vocabulary', 'every listed and polled state is one of the platform\'s', async () => {
      await poll();
      for (const vm of (await listed()).values()) assert.ok(instanceStates.includes(vm.state), `${vm.nativeId} is ${vm.state}`);
    });

    test('discovery', 'an instance created outside Maestro shows up in the listing, with its size', async () => {
      const id = await target.createOutside(`${target.prefix}-outside`);
      known.set(id, 'pending');
      const vm = await waitForState({
        what: `instance ${id} to be listed`,
        pending: ['absent'],
        target: ['listed'],
        refresh: async () => {
          const found = (await listed()).get(id);
          return { state: found ? 'listed' : 'absent', value: found };
        },
        timeoutMs: target.timeoutMs,
        minPollMs: target.pollMs,
        clock: target.clock,
      });
      assert.equal(vm?.name, `${target.prefix}-outside`);
      assert.ok(vm.cpu > 0 && vm.ramMb > 0, `size ${vm.cpu} vCPU, ${vm.ramMb} MB`);
      assert.ok(instanceStates.includes(vm.state));
    });

    test('tags', 'tags set on an instance are listed with it', async () => {
      const id = await sharedInstance();
      await driver.setInstanceTags(region, id, { tenant: 'ACME', 'cost-centre': '42' }, target.call());
      assert.deepEqual((await listed()).get(id)?.tags, { tenant: 'ACME', 'cost-centre': '42' });
    });

    test('shapes', 'lists named shapes with their sizes', async () => {
      assert.ok(supports(driver, 'shapes'));
      const shapes = await driver.listShapes(region, target.call());
      assert.ok(shapes.length > 0);
      for (const shape of shapes) assert.ok(shape.nativeId && shape.cpu > 0 && shape.ramMb > 0, JSON.stringify(shape));
    });

    test('key pairs', 'importing a key twice finds the first import; two keys get two names', async () => {
      assert.ok(supports(driver, 'keyPairs'));
      const first = await driver.importKeyPair(region, target.publicKeys[1], target.call());
      target.created?.('keyPair', first.nativeName);
      const again = await driver.importKeyPair(region, `${target.publicKeys[1]} another comment`, target.call());
      assert.deepEqual(again, first);
      const other = await driver.importKeyPair(region, target.publicKeys[0], target.call());
      target.created?.('keyPair', other.nativeName);
      assert.notEqual(other.nativeName, first.nativeName);
    });

    test('networks and security groups', 'lists networks (an external one among them) and security groups', async () => {
      assert.ok(supports(driver, 'networks'));
      const networks = await driver.listNetworks(region, target.call());
      assert.ok(networks.some((n) => n.external), 'an external network to allocate public IPs from');
      if (supports(driver, 'securityGroups')) assert.ok((await driver.listSecurityGroups(region, target.call())).length > 0);
    });

    test('public IPs', 'allocate, associate with an instance, disassociate, release', async () => {
      assert.ok(supports(driver, 'publicIps'));
      const id = await sharedInstance();
      const ip = await driver.allocatePublicIp(region, {}, target.call());
      target.created?.('publicIp', ip.nativeId);
      assert.equal(ip.instanceNativeId, null);
      const associated = await driver.associatePublicIp(region, ip.nativeId, id, target.call());
      assert.equal(associated.instanceNativeId, id);
      const find = async () => (await driver.listPublicIps(region, target.call())).find((one) => one.nativeId === ip.nativeId);
      assert.equal((await find())?.instanceNativeId, id);
      await driver.disassociatePublicIp(region, ip.nativeId, target.call());
      assert.equal((await find())?.instanceNativeId, null);
      await driver.releasePublicIp(region, ip.nativeId, target.call());
      assert.equal(await find(), undefined);
    });

    /** A second running instance, for the cases that need two. */
    let second: Promise<string> | undefined;
    const secondInstance = () =>
      (second ??= (async () => {
        const [vm] = await run([`${target.prefix}-second`]);
        await until([vm!.nativeId], 'running', ['pending', 'starting']);
        return vm!.nativeId;
      })());
    const conflict = (error: unknown) => error instanceof CloudError && error.reason === 'conflict';

    test('public IP rules', 'an address is associated with one instance at most; an associated address is not released', async () => {
      assert.ok(supports(driver, 'publicIps'));
      const [id, other] = [await sharedInstance(), await secondInstance()];
      const ip = await driver.allocatePublicIp(region, {}, target.call());
      target.created?.('publicIp', ip.nativeId);
      await driver.associatePublicIp(region, ip.nativeId, id, target.call());
      // Again with the same instance: nothing changes.
      assert.equal((await driver.associatePublicIp(region, ip.nativeId, id, target.call())).instanceNativeId, id);
      await assert.rejects(driver.associatePublicIp(region, ip.nativeId, other, target.call()), conflict, 'associated elsewhere: refused');
      await assert.rejects(driver.releasePublicIp(region, ip.nativeId, target.call()), conflict, 'associated: not released');
      const find = async () => (await driver.listPublicIps(region, target.call())).find((one) => one.nativeId === ip.nativeId);
      assert.equal((await find())?.instanceNativeId, id, 'the refusals changed nothing');
      // Moved by the caller: disassociated, then associated with the other instance.
      await driver.disassociatePublicIp(region, ip.nativeId, target.call());
      assert.equal((await driver.associatePublicIp(region, ip.nativeId, other, target.call())).instanceNativeId, other);
      await driver.disassociatePublicIp(region, ip.nativeId, target.call());
      await driver.releasePublicIp(region, ip.nativeId, target.call());
      assert.equal(await find(), undefined);
    });

    test('public IP of a terminated instance', 'terminating an instance gives its address back, still allocated', async () => {
      assert.ok(supports(driver, 'publicIps'));
      const [vm] = await run([`${target.prefix}-ip-gone`]);
      await until([vm!.nativeId], 'running', ['pending', 'starting']);
      const ip = await driver.allocatePublicIp(region, {}, target.call());
      target.created?.('publicIp', ip.nativeId);
      await driver.associatePublicIp(region, ip.nativeId, vm!.nativeId, target.call());
      await act(vm!.nativeId, 'terminate');
      await until([vm!.nativeId], 'terminated', ['shutting-down', 'running']);
      const find = async () => (await driver.listPublicIps(region, target.call())).find((one) => one.nativeId === ip.nativeId);
      const freed = await waitForState({
        what: `public IP ${ip.address} to be free`,
        pending: ['associated'],
        target: ['free'],
        refresh: async () => {
          const found = await find();
          return { state: found && found.instanceNativeId !== null ? 'associated' : 'free', value: found };
        },
        timeoutMs: target.timeoutMs,
        minPollMs: target.pollMs,
        clock: target.clock,
      });
      assert.equal(freed?.address, ip.address, 'the address stays allocated');
      await driver.releasePublicIp(region, ip.nativeId, target.call());
    });

    test('network moves', "moves an instance to another private network: its address follows the new network", async () => {
      assert.ok(supports(driver, 'networkMoves') && supports(driver, 'networks') && supports(driver, 'publicIps'));
      const id = await secondInstance();
      const privates = (await driver.listNetworks(region, target.call())).filter((n) => !n.external);
      assert.ok(privates.length >= 2, 'two private networks to move between');
      const ip = await driver.allocatePublicIp(region, {}, target.call());
      target.created?.('publicIp', ip.nativeId);
      const before = await driver.associatePublicIp(region, ip.nativeId, id, target.call());
      const into = privates.find((n) => !inBlock(before.privateAddress!, n.cidrs[0]!))!;
      await driver.moveInstanceToNetwork(region, id, into.nativeId, target.call());
      const after = (await driver.listPublicIps(region, target.call())).find((one) => one.nativeId === ip.nativeId)!;
      assert.equal(after.instanceNativeId, id);
      assert.ok(inBlock(after.privateAddress!, into.cidrs[0]!), `${after.privateAddress} is in ${into.name} (${into.cidrs[0]})`);
      const external = (await driver.listNetworks(region, target.call())).find((n) => n.external)!;
      await assert.rejects(driver.moveInstanceToNetwork(region, id, external.nativeId, target.call()), (error) => error instanceof CloudError && error.reason === 'invalid');
      await driver.disassociatePublicIp(region, ip.nativeId, target.call());
      await driver.releasePublicIp(region, ip.nativeId, target.call());
    });

    test('images', 'captures an instance as an image, and deletes it', async () => {
      const id = await sharedInstance();
      const image = await driver.createImage(region, { instanceNativeId: id, name: `${target.prefix}-image`, catalog: 'tenant:conformance' }, target.call());
      target.created?.('image', image.nativeId);
      assert.equal(image.name, `${target.prefix}-image`);
      await driver.deleteImage(region, image.nativeId, target.call());
      await assert.rejects(driver.deleteImage(region, image.nativeId, target.call()), (error) => error instanceof CloudError && error.reason === 'not_found');
    });

    test('volumes', 'create, attach to an instance, detach, delete', async () => {
      const id = await sharedInstance();
      const volume = await driver.createVolume(region, { name: `${target.prefix}-volume`, sizeGb: 1 }, target.call());
      target.created?.('volume', volume.nativeId);
      assert.deepEqual([volume.sizeGb, volume.attachedTo], [1, null]);
      await driver.attachVolume(region, volume.nativeId, id, target.call());
      await assert.rejects(driver.deleteVolume(region, volume.nativeId, target.call()), (error) => error instanceof CloudError);
      await driver.detachVolume(region, volume.nativeId, target.call());
      await driver.deleteVolume(region, volume.nativeId, target.call());
    });

    test('resize', 'moves an instance to another shape and reports its new size', async () => {
      assert.ok(supports(driver, 'resize') && target.resizeTo, 'a driver that resizes needs a size to resize to in its target');
      const id = await sharedInstance();
      const size = target.resizeTo;
      const resized = await driver.resizeInstance(region, id, size, target.call());
      assert.deepEqual([resized.cpu, resized.ramMb, resized.state], [size.cpu, size.ramMb, 'running']);
      assert.equal((await listed()).get(id)?.ramMb, size.ramMb);
      // Beyond what the region has: refused with a CloudError, the instance as it was.
      await assert.rejects(driver.resizeInstance(region, id, { cpu: 4096, ramMb: 4096 * 1024, diskGb: size.diskGb }, target.call()), (error) => error instanceof CloudError);
      assert.equal((await listed()).get(id)?.ramMb, size.ramMb);
    });
  });
}

/** Whether an IPv4 address is inside a CIDR block. */
function inBlock(address: string, cidr: string): boolean {
  const value = (text: string) => text.split('.').reduce((sum, octet) => sum * 256 + Number(octet), 0);
  const [base, bits] = cidr.split('/') as [string, string];
  const size = 2 ** (32 - Number(bits));
  return Math.floor(value(address) / size) === Math.floor(value(base) / size);
}
