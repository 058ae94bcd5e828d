import type { Command } from 'commander';
import { createRpcClient, type RpcClient } from '../sdk/rpc.js';
import { version } from '../version.js';
import type { IndexedCommand } from './command-index.js';
import { resolveCredentials } from './credentials.js';
import { CliError, UsageError } from './errors.js';
import { reportError } from './report-error.js';
import { checkTimes } from './flag-parsers.js';
import { httpPost } from './http-post.js';
import { followJob } from './follow-job.js';
import { flagValues, missingFlags, type Flag } from './flags.js';
import { fileValues, parseInputOption } from './input-option.js';
import type { OutputFormat } from './output-format.js';
import { formatResult, moreHint, rowsOf } from './output.js';
import { askHidden, readLine } from './prompt.js';

export interface CommonOptions {
  input?: string;
  output: OutputFormat;
  /** The former spelling of `--output json`. */
  json?: boolean;
  all?: boolean;
  detach?: boolean;
  /** Follow the instances a settling command answered until they settle. */
  wait?: boolean;
}

/** The action of every generated command: build the input, call, print. */
export async function invoke(cli: Command, command: IndexedCommand): Promise<void> {
  const { flags } = command;
  try {
    const options = cli.opts<CommonOptions>();
    if (options.json && cli.getOptionValueSource('output') === 'cli' && options.output !== 'json') {
      throw new UsageError(`--json means --output json; give one of them, not --json with --output ${options.output}`);
    }
    const given = flagValues(cli, flags);
    await checkTimes(flags, given);
    const input = { ...(await parseInputOption(options.input)), ...(await fileValues(cli, command.files ?? {})), ...given };
    for (const flag of flags) {
      if (flag.secret && flag.required && input[flag.property] === undefined) input[flag.property] = await readSecret(flag, input);
    }
    const missing = missingFlags(flags, input);
    if (missing.length > 0) {
      throw new UsageError(`missing required ${missing.length === 1 ? 'flag' : 'flags'} ${missing.map((f) => f.flag).join(', ')}`);
    }
    const client = createRpcClient({
      ...resolveCredentials(process.env, { anonymous: command.audience === 'public' }),
      agent: `maestro-cli/${version}`,
      post: httpPost,
    });
    const answer = options.all && command.paged ? await callAll(client, command, input) : await client.call(command.name, input);
    // A job doing the work is followed to its result, unless asked not to or the server already waited.
    const job = command.job && !options.detach && input.wait !== true ? jobIdOf(answer) : undefined;
    let result = job ? (await followJob(client, job, { stream: process.stderr, sleep })).result : answer;
    if (command.settles && options.wait) {
      const { followInstances } = await import('./follow-instances.js');
      result = await followInstances(client, String(input.tenant), result, { stream: process.stderr, sleep, now: Date.now });
    }
    const format = options.json ? 'json' : options.output;
    process.stdout.write(await formatResult(result, format, command));
    const hint = format === 'table' ? moreHint(result) : undefined;
    // On stderr so that a table piped elsewhere holds only rows.
    if (hint) process.stderr.write(`${hint}\n`);
  } catch (error) {
    if (error instanceof UsageError) cli.error(`error: ${error.message}`, { exitCode: 2, code: 'maestro.usage' });
    reportError(error);
  }
}

function jobIdOf(answer: unknown): string | undefined {
  const job = (answer as { job?: { id?: unknown } } | null)?.job;
  return typeof job?.id === 'string' ? job.id : undefined;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** `--all`: follows nextCursor to the end and returns one page holding every item. */
async function callAll(client: RpcClient, command: IndexedCommand, input: Record<string, unknown>): Promise<unknown> {
  const items: unknown[] = [];
  const progress = process.stdout.isTTY === true;
  let cursor = input.cursor;
  for (;;) {
    const page = await client.call(command.name, { ...input, ...(cursor ? { cursor } : {}) });
    items.push(...(rowsOf(page) ?? []));
    cursor = (page as { nextCursor?: unknown }).nextCursor;
    if (typeof cursor !== 'string' || cursor === '') break;
    if (progress) process.stderr.write(`\rfetched ${items.length} items…`);
  }
  if (progress) process.stderr.write('\r\u001b[K');
  return { items, nextCursor: null };
}

/** Passwords are asked for rather than typed into shell history; a pipe gives its first line. */
async function readSecret(flag: Flag, input: Record<string, unknown>): Promise<string> {
  const whose = typeof input.name === 'string' ? ` for ${input.name}` : '';
  if (process.stdin.isTTY) {
    const value = await askHidden(`${flag.property}${whose}: `);
    if (value === '') throw new CliError('cancelled', `no ${flag.property} given`, 2);
    const again = await askHidden(`repeat ${flag.property}: `);
    if (again !== value) throw new CliError('invalid_input', `the two ${flag.property}s differ; nothing was changed`, 2);
    return value;
  }
  const line = await readLine();
  if (line === null || line === '') {
    throw new UsageError(`${flag.flag} not given and stdin holds no line to read it from`);
  }
  return line;
}
