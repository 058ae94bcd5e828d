import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { CsvParser } from '../../src/server/billing/focus/csv.js';
import { csvLine } from '../support/focus.js';

type Seen = [number, string[]] | ['malformed', number, string];

/** Parses the text pushed in chunks of `size` characters. */
function parse(text: string, size = text.length || 1, maxRecordChars?: number): Seen[] {
  const seen: Seen[] = [];
  const parser = new CsvParser(
    { record: (fields, line) => seen.push([line, fields]), malformed: (line, problem) => seen.push(['malformed', line, problem]) },
    maxRecordChars,
  );
  for (let at = 0; at < text.length; at += size) parser.push(text.slice(at, at + size));
  parser.end();
  return seen;
}

describe('the streaming CSV parser', () => {
  const tricky = '\ufeffa,b,c\r\n1,"x,y","two\nlines"\r\n\r\n2,"say ""hi""",\n"bad"x,1,2\n4,5,6';

  it('reads quoted commas, doubled quotes, line breaks, CRLF and a byte order mark, counting lines as an editor does', () => {
    assert.deepEqual(parse(tricky), [
      [1, ['a', 'b', 'c']],
      [2, ['1', 'x,y', 'two\nlines']],
      [5, ['2', 'say "hi"', '']],
      ['malformed', 6, 'field 1 has text after its closing quote'],
      [7, ['4', '5', '6']],
    ]);
  });

  it('gives the same records however the text is cut into chunks', () => {
    const whole = JSON.stringify(parse(tricky));
    for (const size of [1, 2, 3, 5, 8, 13]) assert.equal(JSON.stringify(parse(tricky, size)), whole, `chunks of ${size}`);
  });

  it('reports a quote that never closes and resumes on the next line', () => {
    assert.deepEqual(parse('a,b\n"open,1\n2,3\n'), [
      [1, ['a', 'b']],
      ['malformed', 2, 'a quoted field is not closed before the end of the file'],
      [3, ['2', '3']],
    ]);
  });

  it('refuses a record longer than the limit instead of buffering the rest of the file', () => {
    assert.deepEqual(parse(`a,b\n"${'x'.repeat(50)}\n1,2\n`, 4, 20), [
      [1, ['a', 'b']],
      ['malformed', 2, 'a record longer than 20 characters (a quote never closed?)'],
      [3, ['1', '2']],
    ]);
  });

  it('reads a last line without its line break, CRLF or not', () => {
    assert.deepEqual(parse('a,b\r\n1,2\r'), [[1, ['a', 'b']], [2, ['1', '2']]]);
    assert.deepEqual(parse('a,b\r\n1,"2"\r'), [[1, ['a', 'b']], [2, ['1', '2']]]);
    assert.deepEqual(parse('a,b\n1,"2"'), [[1, ['a', 'b']], [2, ['1', '2']]]);
  });

  it('keeps empty fields and skips empty lines', () => {
    assert.deepEqual(parse(',,\n\n"",x,\n'), [
      [1, ['', '', '']],
      [3, ['', 'x', '']],
    ]);
  });

  it('reads back whatever a CSV writer wrote, in any chunking', () => {
    // A small deterministic generator (mulberry32), so that a failure can be replayed.
    let seed = 42;
    const random = () => {
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
    };
    const alphabet = ['a', 'Z', '0', ',', '"', '\n', '\r\n', ' ', 'é', '😀', '{', ':'];
    const field = () => Array.from({ length: Math.floor(random() * 8) }, () => alphabet[Math.floor(random() * alphabet.length)]).join('');
    const records = Array.from({ length: 300 }, () => Array.from({ length: 1 + Math.floor(random() * 5) }, field)).filter(
      (fields) => !(fields.length === 1 && fields[0] === ''),
    );
    const text = records.map((fields) => csvLine(fields, random() < 0.5 ? '\n' : '\r\n')).join('');
    for (const size of [1, 7, 64, text.length]) {
      const seen = parse(text, size);
      assert.deepEqual(seen.map((entry) => entry[1]), records, `chunks of ${size}`);
    }
  });
});
