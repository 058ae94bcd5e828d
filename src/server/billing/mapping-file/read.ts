import { readMappingCsv } from './csv.js';
import type { MappingFile } from './entries.js';
import { readMappingYaml } from './yaml.js';

export type MappingFormat = 'csv' | 'yaml';

/** YAML when the first line that is not blank or a comment starts a document or one of its keys; CSV otherwise. */
export function detectFormat(content: string): MappingFormat {
  const first = content
    .replace(/^\uFEFF/, '')
    .split(/\r?\n/)
    .find((line) => line.trim() !== '' && !line.trimStart().startsWith('#'));
  return first !== undefined && /^(---|(accounts|rules)\s*:)/.test(first.trim()) ? 'yaml' : 'csv';
}

/** A mapping file's content, read in its format (or the one it looks like): its entries and problems by line. */
export function readMappingFile(content: string, format: MappingFormat = detectFormat(content)): MappingFile {
  return format === 'yaml' ? readMappingYaml(content) : readMappingCsv(content);
}
