import type { UiHints } from './ui-hints';

/** A JSON Schema as rpc.discover publishes it (zod's toJSONSchema output): only what the console reads. */
export interface JsonSchema {
  type?: string | string[];
  enum?: unknown[];
  const?: unknown;
  format?: string;
  pattern?: string;
  minimum?: number;
  maximum?: number;
  exclusiveMinimum?: number;
  exclusiveMaximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  items?: JsonSchema;
  properties?: Record<string, JsonSchema>;
  additionalProperties?: boolean | JsonSchema;
  required?: string[];
  anyOf?: JsonSchema[];
  oneOf?: JsonSchema[];
  default?: unknown;
  description?: string;
  title?: string;
}

export interface RpcParam {
  name: string;
  required: boolean;
  schema: JsonSchema;
  description?: string;
}

export interface MaestroExtension {
  permission?: string;
  feature?: string | null;
  audit?: string | null;
  audience?: string;
  /** Paths into each list item ("a.b"): the table's columns. */
  columns?: string[];
  ui?: UiHints;
}

export interface RpcMethod {
  name: string;
  summary?: string;
  description?: string;
  params: RpcParam[];
  result?: { name: string; schema: JsonSchema };
  'x-maestro'?: MaestroExtension;
}

export interface OpenRpcDocument {
  openrpc: string;
  info: { title: string; version: string };
  methods: RpcMethod[];
}
