import { readFileSync } from 'node:fs';
import path from 'node:path';
import { packageRoot } from '../../paths.js';

/**
 * The published Maestro command-line client's command definitions (reference/README.md): which
 * actions exist, the wire names of their parameters, and the fields the client displays. Read
 * once, on first use.
 */
export interface ReferenceParameter {
  /** The client's option, e.g. `instance-id`. */
  option: string;
  /** The name on the wire, e.g. `instanceIds`. */
  wireName: string;
  required: boolean;
  type: string;
  allowedValues: readonly string[];
}

export interface ReferenceCommand {
  /** The client's command, e.g. `describe-instances`. */
  command: string;
  action: string;
  help: string;
  /** Where the client nests the parameters, when it does (`params`, `schedule` …). */
  requestWrapper: string | null;
  parameters: readonly ReferenceParameter[];
  /** The fields the client prints; for multi-table outputs, `table.field`. */
  displayedFields: readonly string[];
  /** The key under which the displayed list sits in the result, when not at the top. */
  listKey: string | null;
}

interface RawParameter {
  parent?: string;
  api_param_name?: string;
  required?: boolean;
  validation?: { type?: string; allowed_values?: string[] };
}

interface RawCommand {
  api_action: string;
  help?: string;
  request_wrapper?: string;
  parameters?: Record<string, RawParameter>;
  output_configuration?: {
    response_table_headers?: (string | { name: string; headers: string[] })[];
    unmap_key?: string;
  };
}

interface RawReference {
  version: string;
  domain_parameters: Record<string, RawParameter>;
  commands: Record<string, RawCommand>;
}

export const REFERENCE_FILE = path.join(packageRoot(), 'reference', 'm3-cli-commands_def.json');

/** The client's pseudo-action for commands that never reach a server. */
const LOCAL_ONLY = 'NO_API';

function resolveParameter(option: string, raw: RawParameter, domain: RawReference['domain_parameters']): ReferenceParameter {
  const base = raw.parent !== undefined ? { ...domain[raw.parent], ...raw } : raw;
  return {
    option,
    wireName: base.api_param_name ?? option,
    required: base.required ?? false,
    type: base.validation?.type ?? 'string',
    allowedValues: base.validation?.allowed_values ?? [],
  };
}

export function parseReference(raw: RawReference): { version: string; commands: ReferenceCommand[] } {
  const commands = Object.entries(raw.commands)
    .filter(([, command]) => command.api_action !== LOCAL_ONLY)
    .map(([name, command]): ReferenceCommand => ({
      command: name,
      action: command.api_action,
      help: command.help ?? '',
      requestWrapper: command.request_wrapper ?? null,
      parameters: Object.entries(command.parameters ?? {}).map(([option, p]) => resolveParameter(option, p, raw.domain_parameters)),
      displayedFields: (command.output_configuration?.response_table_headers ?? []).flatMap((header) =>
        typeof header === 'string' ? [header] : header.headers.map((field) => `${header.name}.${field}`),
      ),
      listKey: command.output_configuration?.unmap_key ?? null,
    }));
  return { version: raw.version, commands };
}

let loaded: { version: string; commands: ReferenceCommand[] } | undefined;

export function reference(): { version: string; commands: readonly ReferenceCommand[] } {
  loaded ??= parseReference(JSON.parse(readFileSync(REFERENCE_FILE, 'utf8')) as RawReference);
  return loaded;
}

let byAction: ReadonlyMap<string, readonly ReferenceCommand[]> | undefined;

/** Every action the reference names, with the client commands that send it. */
export function referenceActions(): ReadonlyMap<string, readonly ReferenceCommand[]> {
  if (byAction) return byAction;
  const actions = new Map<string, ReferenceCommand[]>();
  for (const command of reference().commands) actions.set(command.action, [...(actions.get(command.action) ?? []), command]);
  byAction = actions;
  return actions;
}
