/**
 * A streaming CSV parser (RFC 4180): fields separated by commas, optionally quoted with `"`, a
 * quote inside a quoted field doubled, line breaks (LF or CRLF) inside quoted fields kept, a
 * leading byte order mark dropped, empty lines skipped. Text is pushed in chunks as it is read;
 * each complete record goes to the sink at once, so memory holds one chunk and one record.
 *
 * It never throws on its input: a record it cannot read (text after a closing quote, a quote
 * never closed, a record longer than `maxRecordChars`) is reported as malformed by its line, and
 * parsing resumes on the next line.
 */
export interface CsvSink {
  /** A record and the line it starts on (1-based, counting line breaks inside quoted fields). */
  record(fields: string[], line: number): void;
  malformed(line: number, problem: string): void;
}

const QUOTE = 34;
const COMMA = 44;
const LF = 10;
const CR = 13;
/** Returned by parseRecord when the buffer ends before the record does. */
const INCOMPLETE = -1;

export class CsvParser {
  #buffer = '';
  /** The line the buffer starts on. */
  #line = 1;
  #first = true;
  /** Dropping the rest of a refused line that has not fully arrived yet. */
  #skipping = false;

  constructor(
    private readonly sink: CsvSink,
    private readonly maxRecordChars = 1 << 20,
  ) {}

  push(chunk: string): void {
    if (this.#first && chunk.length > 0) {
      this.#first = false;
      if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
    }
    this.#buffer = this.#buffer.length === 0 ? chunk : this.#buffer + chunk;
    this.#drain(false);
  }

  /** The input is complete: the last record needs no line break. */
  end(): void {
    this.#drain(true);
    this.#buffer = '';
  }

  #drain(final: boolean): void {
    const text = this.#buffer;
    let at = 0;
    if (this.#skipping) at = this.#skipLine(text, 0);
    while (at < text.length) {
      const next = this.#parseRecord(text, at, final);
      if (next !== INCOMPLETE) {
        at = next;
        continue;
      }
      if (text.length - at <= this.maxRecordChars) break;
      this.sink.malformed(this.#line, `a record longer than ${this.maxRecordChars} characters (a quote never closed?)`);
      at = this.#skipLine(text, at);
    }
    this.#buffer = at === 0 ? text : text.slice(at);
  }

  /** Resumes on the line after the one `at` is on, however much of it is still to come. */
  #skipLine(text: string, at: number): number {
    const lf = text.indexOf('\n', at);
    this.#skipping = lf === -1;
    if (this.#skipping) return text.length;
    this.#line++;
    return lf + 1;
  }

  /** Parses the record starting at `start`; returns where the next one starts, or INCOMPLETE. */
  #parseRecord(text: string, start: number, final: boolean): number {
    const n = text.length;
    const fields: string[] = [];
    let at = start;
    let lineBreaks = 0;
    let problem: string | null = null;
    let lf = text.indexOf('\n', at);
    for (;;) {
      if (at < n && text.charCodeAt(at) === QUOTE) {
        let value = '';
        let from = at + 1;
        for (;;) {
          const quote = text.indexOf('"', from);
          if (quote === -1 || (quote + 1 === n && !final)) {
            if (!final) return INCOMPLETE;
            this.sink.malformed(this.#line, 'a quoted field is not closed before the end of the file');
            return this.#skipLine(text, start);
          }
          if (text.charCodeAt(quote + 1) === QUOTE) {
            value += text.slice(from, quote + 1);
            from = quote + 2;
            continue;
          }
          value += text.slice(from, quote);
          lineBreaks += countLineFeeds(text, at, quote);
          at = quote + 1;
          break;
        }
        fields.push(value);
        if (lf !== -1 && lf < at) lf = text.indexOf('\n', at);
        const c = at < n ? text.charCodeAt(at) : -1;
        if (c === COMMA) {
          at++;
          continue;
        }
        if (c === LF || (c === CR && text.charCodeAt(at + 1) === LF) || (final && (c === -1 || (c === CR && at + 1 === n)))) {
          at = lf === -1 ? n : lf + 1;
          break;
        }
        if (lf === -1 && !final) return INCOMPLETE;
        // Text after the closing quote: the field's end is unclear, so the record is refused.
        problem ??= `field ${fields.length} has text after its closing quote`;
        const comma = text.indexOf(',', at);
        if (comma !== -1 && (lf === -1 || comma < lf)) {
          at = comma + 1;
          continue;
        }
        at = lf === -1 ? n : lf + 1;
        break;
      }
      const comma = text.indexOf(',', at);
      if (comma !== -1 && (lf === -1 || comma < lf)) {
        fields.push(text.slice(at, comma));
        at = comma + 1;
        continue;
      }
      if (lf === -1) {
        if (!final) return INCOMPLETE;
        fields.push(text.slice(at, n > at && text.charCodeAt(n - 1) === CR ? n - 1 : n));
        at = n;
        break;
      }
      fields.push(text.slice(at, lf > at && text.charCodeAt(lf - 1) === CR ? lf - 1 : lf));
      at = lf + 1;
      break;
    }
    const line = this.#line;
    // The record's own line break, unless it ended the input without one.
    this.#line += lineBreaks + (at === n && text.charCodeAt(n - 1) !== LF ? 0 : 1);
    if (problem !== null) this.sink.malformed(line, problem);
    else if (!(fields.length === 1 && fields[0] === '')) this.sink.record(fields, line);
    return at;
  }
}

function countLineFeeds(text: string, from: number, to: number): number {
  let count = 0;
  for (let at = text.indexOf('\n', from); at !== -1 && at < to; at = text.indexOf('\n', at + 1)) count++;
  return count;
}

/**
 * A copy of a field that does not hold on to the chunk it was read from. Fields are slices of
 * the parser's buffer (cheap while the row is checked), so whatever outlives the row (a cache
 * key, a sum's dimensions) must be copied, or each one keeps a whole chunk of the file alive.
 * Concatenation then slicing makes V8 build a new flat string.
 */
export const detached = (field: string): string => (field.length < 13 ? field : ` ${field}`.slice(1));
