import { Injectable, inject } from '@angular/core';
import { ApiService } from './api.service';
import { SessionService } from './session.service';
import type { OpenRpcDocument, RpcMethod } from './openrpc';
import { RpcError } from './rpc-error';

/**
 * The commands the server publishes (rpc.discover), read once per session: forms, tables and
 * guards look methods up by name here instead of carrying copies of their schemas.
 */
@Injectable({ providedIn: 'root' })
export class DiscoveryService {
  private readonly api = inject(ApiService);
  private document: Promise<Map<string, RpcMethod>> | null = null;

  constructor() {
    inject(SessionService).onEnd(() => (this.document = null));
  }

  methods(): Promise<Map<string, RpcMethod>> {
    this.document ??= this.api.call<OpenRpcDocument>('rpc.discover').then(
      (doc) => new Map((doc.methods ?? []).map((method) => [method.name, method])),
      (error: unknown) => {
        this.document = null; // let the next page try again
        throw error;
      },
    );
    return this.document;
  }

  async find(name: string): Promise<RpcMethod | undefined> {
    return (await this.methods()).get(name);
  }

  /** The method, or an error naming it for a page that cannot work without it. */
  async require(name: string): Promise<RpcMethod> {
    const method = await this.find(name);
    if (!method) throw new RpcError(`The server has no command ${name}; it may be an older version than the console.`, 'unknown_method', 404);
    return method;
  }
}
