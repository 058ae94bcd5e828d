import { randomUUID } from 'node:crypto';
import { AgentCallError, AgentCallFailedError, AgentCallTimeoutError } from '../../agent/client/errors.js';
import type { AgentRpcClient } from '../../agent/client/rpc-client.js';
import type { DriverMethod, DriverMethodResult } from '../../agent/driver-methods.js';
import {
  CloudError,
  PartialRunError,
  type CloudImage,
  type CloudInstance,
  type CloudKeyPair,
  type CloudNetwork,
  type CloudPublicIp,
  type CloudSecurityGroup,
  type CloudShape,
  type CloudVolume,
  type Driver,
  type DriverCall,
  type DeferredChanges,
  type DriverCapabilities,
  type KeyPairOperations,
  type NetworkOperations,
  type PublicIpOperations,
  type NetworkMoveOperations,
  type RegionTarget,
  type ResizeOperations,
  type ResizeRequest,
  type RunRequest,
  type SecurityGroupOperations,
  type ShapeOperations,
  type StateReport,
  type TrackedCall,
} from '../../clouds/driver.js';
import type { InstanceAction } from '../../domain/instance-lifecycle.js';
import type { CloudKind } from '../../protocol/clouds.js';
import type { InstanceState } from '../../protocol/compute.js';
import { AppError } from '../../protocol/errors.js';

/**
 * A region's driver as the server sees it when an agent serves the region: every call becomes a
 * DRIVER_CALL request to the region's queue, answered by the agent's own driver; its failures come
 * back as the same CloudErrors a local driver throws. States are not polled: the agent sends them.
 */
export class RemoteDriver
  implements
    Driver,
    DeferredChanges,
    ShapeOperations,
    NetworkOperations,
    SecurityGroupOperations,
    PublicIpOperations,
    NetworkMoveOperations,
    KeyPairOperations,
    ResizeOperations
{
  constructor(
    readonly cloud: CloudKind,
    readonly capabilities: DriverCapabilities,
    private readonly agent: string,
    private readonly client: AgentRpcClient,
    private readonly timeoutMs: number,
  ) {}

  async #call<M extends DriverMethod>(method: M, region: RegionTarget, args: unknown[], call: DriverCall): Promise<DriverMethodResult<M>> {
    try {
      return await this.client.callDriver(
        region.name,
        { method, args, tenant: call.tenant ?? null, operationId: call.operationId ?? randomUUID() },
        { timeoutMs: this.timeoutMs },
      );
    } catch (error) {
      throw this.#translated(error, region.name, method);
    }
  }

  /** Answered once the agent has recorded the call; the outcome comes as its `operation.done`. */
  async #accept(method: DriverMethod, region: RegionTarget, args: unknown[], call: TrackedCall): Promise<void> {
    try {
      await this.client.acceptDriverCall(region.name, { method, args, tenant: call.tenant ?? null, operationId: call.operationId }, { timeoutMs: this.timeoutMs });
    } catch (error) {
      throw this.#translated(error, region.name, method);
    }
  }

  #translated(error: unknown, region: string, method: string): unknown {
    if (!(error instanceof AgentCallError)) return error;
    if (error instanceof AgentCallFailedError) {
      const failure = new CloudError(error.reason, error.message, { retryable: error.retryable });
      return error.created ? new PartialRunError(error.created, error.message) : failure;
    }
    if (error instanceof AgentCallTimeoutError) {
      return new CloudError('timeout', `agent ${this.agent} did not answer ${method} for ${region} within ${error.timeoutMs} ms`, { retryable: true });
    }
    return new AppError('unavailable', `${error.message}; nothing was changed in ${region}: check that agent ${this.agent} runs and reaches RabbitMQ`, {
      region,
      agent: this.agent,
    });
  }

  prepareRegion(region: RegionTarget, call: DriverCall): Promise<CloudImage[]> {
    return this.#call('prepareRegion', region, [], call);
  }
  runInstances(region: RegionTarget, request: RunRequest, call: DriverCall): Promise<CloudInstance[]> {
    return this.#call('runInstances', region, [request], call);
  }
  instanceAction(region: RegionTarget, nativeId: string, action: InstanceAction, call: DriverCall): Promise<InstanceState> {
    return this.#call('instanceAction', region, [nativeId, action], call);
  }
  /** The agent polls its cloud and sends what changed as events: nothing to ask it here. */
  async pollStates(): Promise<StateReport[]> {
    return [];
  }
  listInstances(region: RegionTarget, call: DriverCall): Promise<CloudInstance[]> {
    return this.#call('listInstances', region, [], call);
  }
  async setInstanceTags(region: RegionTarget, nativeId: string, tags: Record<string, string>, call: DriverCall): Promise<void> {
    await this.#call('setInstanceTags', region, [nativeId, tags], call);
  }
  createVolume(region: RegionTarget, request: { name: string; sizeGb: number }, call: DriverCall): Promise<CloudVolume> {
    return this.#call('createVolume', region, [request], call);
  }
  /** A volume takes a while to become available on a real cloud: the agent takes it and reports its end. */
  deferCreateVolume(region: RegionTarget, request: { name: string; sizeGb: number }, call: TrackedCall): Promise<void> {
    return this.#accept('createVolume', region, [request], call);
  }
  /** A volume for an instance: created and attached by the agent as one change, reported once. */
  deferCreateAttachedVolume(region: RegionTarget, request: { name: string; sizeGb: number }, instanceNativeId: string, call: TrackedCall): Promise<void> {
    return this.#accept('createAttachedVolume', region, [request, instanceNativeId], call);
  }
  async attachVolume(region: RegionTarget, volumeNativeId: string, instanceNativeId: string, call: DriverCall): Promise<void> {
    await this.#call('attachVolume', region, [volumeNativeId, instanceNativeId], call);
  }
  async detachVolume(region: RegionTarget, volumeNativeId: string, call: DriverCall): Promise<void> {
    await this.#call('detachVolume', region, [volumeNativeId], call);
  }
  /** An attach or detach waits for the guest and the storage backend (seconds to minutes): deferred too. */
  deferAttachVolume(region: RegionTarget, volumeNativeId: string, instanceNativeId: string, call: TrackedCall): Promise<void> {
    return this.#accept('attachVolume', region, [volumeNativeId, instanceNativeId], call);
  }
  deferDetachVolume(region: RegionTarget, volumeNativeId: string, call: TrackedCall): Promise<void> {
    return this.#accept('detachVolume', region, [volumeNativeId], call);
  }
  async deleteVolume(region: RegionTarget, volumeNativeId: string, call: DriverCall): Promise<void> {
    await this.#call('deleteVolume', region, [volumeNativeId], call);
  }
  createImage(region: RegionTarget, request: { instanceNativeId: string; name: string; catalog: string }, call: DriverCall): Promise<CloudImage> {
    return this.#call('createImage', region, [request], call);
  }
  /** An image capture takes minutes on a real cloud: the agent takes it and reports its end. */
  deferCreateImage(region: RegionTarget, request: { instanceNativeId: string; name: string; catalog: string }, call: TrackedCall): Promise<void> {
    return this.#accept('createImage', region, [request], call);
  }
  async deleteImage(region: RegionTarget, imageNativeId: string, call: DriverCall): Promise<void> {
    await this.#call('deleteImage', region, [imageNativeId], call);
  }
  listShapes(region: RegionTarget, call: DriverCall): Promise<CloudShape[]> {
    return this.#call('listShapes', region, [], call);
  }
  listNetworks(region: RegionTarget, call: DriverCall): Promise<CloudNetwork[]> {
    return this.#call('listNetworks', region, [], call);
  }
  listSecurityGroups(region: RegionTarget, call: DriverCall): Promise<CloudSecurityGroup[]> {
    return this.#call('listSecurityGroups', region, [], call);
  }
  listPublicIps(region: RegionTarget, call: DriverCall): Promise<CloudPublicIp[]> {
    return this.#call('listPublicIps', region, [], call);
  }
  allocatePublicIp(region: RegionTarget, request: { networkNativeId?: string | null }, call: DriverCall): Promise<CloudPublicIp> {
    return this.#call('allocatePublicIp', region, [request], call);
  }
  associatePublicIp(region: RegionTarget, ipNativeId: string, instanceNativeId: string, call: DriverCall): Promise<CloudPublicIp> {
    return this.#call('associatePublicIp', region, [ipNativeId, instanceNativeId], call);
  }
  async disassociatePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void> {
    await this.#call('disassociatePublicIp', region, [ipNativeId], call);
  }
  async releasePublicIp(region: RegionTarget, ipNativeId: string, call: DriverCall): Promise<void> {
    await this.#call('releasePublicIp', region, [ipNativeId], call);
  }
  async moveInstanceToNetwork(region: RegionTarget, instanceNativeId: string, networkNativeId: string, call: DriverCall): Promise<void> {
    await this.#call('moveInstanceToNetwork', region, [instanceNativeId, networkNativeId], call);
  }
  importKeyPair(region: RegionTarget, publicKey: string, call: DriverCall): Promise<CloudKeyPair> {
    return this.#call('importKeyPair', region, [publicKey], call);
  }
  resizeInstance(region: RegionTarget, nativeId: string, request: ResizeRequest, call: DriverCall): Promise<CloudInstance> {
    return this.#call('resizeInstance', region, [nativeId, request], call);
  }
  /** A resize migrates the server and waits for its confirmation (a minute or more): deferred. */
  deferResizeInstance(region: RegionTarget, nativeId: string, request: ResizeRequest, call: TrackedCall): Promise<void> {
    return this.#accept('resizeInstance', region, [nativeId, request], call);
  }
}
