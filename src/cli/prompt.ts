import { createInterface } from 'node:readline';
import { CliError } from './errors.js';

/** Prompts go to stderr so that stdout stays the command's result. */
export async function ask(question: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stderr, terminal: true });
  let onClose: (() => void) | undefined;
  try {
    return await new Promise<string>((resolve, reject) => {
      onClose = () => reject(new CliError('cancelled', 'cancelled', 130));
      rl.once('close', onClose);
      // Without a listener, Ctrl-C only pauses readline and the prompt would hang.
      rl.once('SIGINT', () => rl.close());
      rl.question(question, resolve);
    });
  } finally {
    // Only our listener: readline's own 'close' listeners detach it from stdin.
    if (onClose) rl.off('close', onClose);
    rl.close();
  }
}

/** Reads a secret from the terminal without echoing it. Needs stdin to be a TTY. */
export function askHidden(question: string): Promise<string> {
  const stdin = process.stdin;
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (error?: Error) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      process.stderr.write('\n');
      if (error) reject(error);
      else resolve(value);
    };
    const onData = (chunk: string) => {
      for (const ch of chunk) {
        if (ch === '\r' || ch === '\n') return finish();
        if (ch === '\u0003' || (ch === '\u0004' && value === '')) return finish(new CliError('cancelled', 'cancelled', 130));
        if (ch === '\u0004') return finish();
        // Arrow keys and other escape sequences would otherwise end up in the secret.
        if (ch === '\u001b') return;
        if (ch === '\u007f' || ch === '\b') value = Array.from(value).slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.setEncoding('utf8');
    // Raw mode before the prompt appears, or quick typing would still be echoed.
    stdin.setRawMode(true);
    process.stderr.write(question);
    stdin.resume();
    stdin.on('data', onData);
  });
}

/** The first line of a piped stdin (without its line ending), or null at end of input. */
export async function readLine(): Promise<string | null> {
  const rl = createInterface({ input: process.stdin, crlfDelay: Infinity, terminal: false });
  for await (const line of rl) {
    rl.close();
    return line;
  }
  return null;
}

/** Reads all of stdin, for `--input @-`. */
export async function readAll(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}
