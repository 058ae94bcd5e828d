import { constants, createReadStream } from 'node:fs';
import { access, open, stat } from 'node:fs/promises';
import path from 'node:path';
import { StringDecoder } from 'node:string_decoder';
import { createGunzip } from 'node:zlib';
import { AppError, invalidInput } from '../../../protocol/errors.js';

/**
 * The file an import reads: a FOCUS export dropped on the server, `.csv` or `.csv.gz`. The name
 * says what it should be and the first bytes must agree, so that a renamed binary, a directory
 * or a compressed file without its suffix is refused before any row is read.
 */
export interface FocusSource {
  path: string;
  file: string;
  compression: 'none' | 'gzip';
  /** Bytes on disk (compressed for .csv.gz): how far a reading has gone is told against it. */
  size: number;
}

const GZIP_MAGIC = [0x1f, 0x8b];
const CHUNK_BYTES = 1 << 20;

const refuse = (file: string, problem: string) => invalidInput(`cannot import ${file}: ${problem}`, { field: 'path' });

export async function openFocusSource(filePath: string): Promise<FocusSource> {
  if (!path.isAbsolute(filePath)) throw refuse(filePath, 'give the absolute path of the file on the server');
  const file = path.basename(filePath);
  const lower = file.toLowerCase();
  const compression = lower.endsWith('.csv.gz') ? 'gzip' : lower.endsWith('.csv') ? 'none' : null;
  if (compression === null) throw refuse(filePath, 'a FOCUS export is a .csv or .csv.gz file');

  const info = await stat(filePath).catch((error: NodeJS.ErrnoException) => {
    throw refuse(filePath, error.code === 'ENOENT' || error.code === 'ENOTDIR' ? 'there is no such file' : `it cannot be read (${error.code ?? error.message})`);
  });
  if (!info.isFile()) throw refuse(filePath, info.isDirectory() ? 'it is a directory' : 'it is not a regular file');
  await access(filePath, constants.R_OK).catch(() => {
    throw refuse(filePath, 'the server may not read it (permissions)');
  });
  if (info.size === 0) throw refuse(filePath, 'the file is empty');

  const head = await firstBytes(filePath, 4096);
  const gzipped = head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1];
  if (compression === 'gzip' && !gzipped) throw refuse(filePath, 'it is named .csv.gz but is not gzip data');
  if (compression === 'none' && gzipped) throw refuse(filePath, 'it is gzip data: name it .csv.gz');
  if (compression === 'none' && head.includes(0)) throw refuse(filePath, 'it holds binary data, not CSV text');
  return { path: filePath, file, compression, size: info.size };
}

async function firstBytes(filePath: string, count: number): Promise<Buffer> {
  const handle = await open(filePath, 'r');
  try {
    const buffer = Buffer.alloc(count);
    const { bytesRead } = await handle.read(buffer, 0, count, 0);
    return buffer.subarray(0, bytesRead);
  } finally {
    await handle.close();
  }
}

/**
 * The file's text, decoded as UTF-8, chunk by chunk as it is read (and gunzipped). A read or
 * gzip error (a truncated or corrupt file) ends the import as a whole: a partial file must not
 * replace a complete one.
 */
export async function* readText(source: FocusSource, fileBytesRead?: (bytes: number) => void): AsyncGenerator<string> {
  const raw = createReadStream(source.path, { highWaterMark: CHUNK_BYTES });
  if (fileBytesRead) raw.on('data', () => fileBytesRead(raw.bytesRead));
  const stream = source.compression === 'gzip' ? raw.pipe(createGunzip({ chunkSize: CHUNK_BYTES })) : raw;
  if (stream !== raw) raw.on('error', (error) => stream.destroy(error));
  const decoder = new StringDecoder('utf8');
  let first = true;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (first && source.compression === 'gzip' && chunk.subarray(0, 4096).includes(0)) {
        throw refuse(source.path, 'its gzip content is binary data, not CSV text');
      }
      first = false;
      const text = decoder.write(chunk);
      if (text.length > 0) yield text;
    }
  } catch (error) {
    if (error instanceof AppError) throw error;
    const code = (error as NodeJS.ErrnoException).code;
    throw refuse(source.path, `it could not be read to the end (${code ?? (error as Error).message}); nothing was imported`);
  } finally {
    stream.destroy();
    raw.destroy();
  }
  const rest = decoder.end();
  if (rest.length > 0) yield rest;
}
