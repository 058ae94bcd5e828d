import { AppError } from '../protocol/errors.js';

/** NUL, or a UTF-16 surrogate without its partner (only reachable through \\u escapes in the JSON). */
const unstorable = /\u0000|[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/;
const unstorableAll = new RegExp(unstorable.source, 'g');

/**
 * PostgreSQL text and jsonb cannot hold NUL or unpaired surrogates, so such a string in the
 * parameters would fail deep inside a transaction as an internal (and supposedly retryable)
 * error. The dispatcher refuses it up front, for every transport, as invalid input naming the field. Iterative, as params may nest
 * deeply.
 */
export function refuseUnstorableText(method: string, params: unknown): void {
  type Frame = { value: unknown; key: string | null; parent: Frame | null };
  const pathOf = (frame: Frame): string[] => {
    const path: string[] = [];
    for (let f: Frame | null = frame; f && f.key !== null; f = f.parent) path.push(f.key);
    return path.reverse();
  };
  const stack: Frame[] = [{ value: params, key: null, parent: null }];
  while (stack.length > 0) {
    const frame = stack.pop()!;
    const { value } = frame;
    let problem: string[] | null = null;
    if (typeof value === 'string') {
      if (unstorable.test(value)) problem = pathOf(frame);
    } else if (typeof value === 'object' && value !== null) {
      for (const [key, item] of Object.entries(value)) {
        if (unstorable.test(key)) {
          problem = pathOf(frame);
          break;
        }
        stack.push({ value: item, key, parent: frame });
      }
    }
    if (problem) {
      const message = 'text must not contain the NUL character (\\u0000) or unpaired UTF-16 surrogates';
      // The path names the field; keys and depth are the caller's, so keep them short.
      const path = problem.slice(0, 16).map((key) => key.slice(0, 64).replace(unstorableAll, '\ufffd'));
      const shown = path.length > 0 ? path.join('.') : 'params';
      throw new AppError('invalid_input', `invalid parameters for ${method}: ${shown}: ${message}`, {
        issues: [{ path, message }],
      });
    }
  }
}
