import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

// The module graph of src/, type-only imports included: a type cycle still ties two files
// together, so that neither can be read, moved or tested without the other.
const root = path.resolve('src');

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

const staticImport = /^\s*(?:import|export)\s[^'"]*?\sfrom\s+['"](\.[^'"]+)['"]/gm;

function importsOf(file: string): string[] {
  const text = readFileSync(file, 'utf8');
  return [...text.matchAll(staticImport)].map((match) => path.resolve(path.dirname(file), match[1]!.replace(/\.js$/, '.ts')));
}

const graph = new Map(sourceFiles(root).map((file) => [file, importsOf(file)]));
const name = (file: string) => path.relative(root, file);

/** Every cycle, each once, as the files along it. */
function cycles(): string[][] {
  const found = new Map<string, string[]>();
  const state = new Map<string, 'open' | 'done'>();
  const stack: string[] = [];
  const visit = (file: string) => {
    state.set(file, 'open');
    stack.push(file);
    for (const next of graph.get(file) ?? []) {
      if (state.get(next) === 'open') {
        const cycle = stack.slice(stack.indexOf(next)).map(name);
        found.set([...cycle].sort().join(' '), cycle);
      } else if (!state.has(next) && graph.has(next)) visit(next);
    }
    stack.pop();
    state.set(file, 'done');
  };
  for (const file of graph.keys()) if (!state.has(file)) visit(file);
  return [...found.values()];
}

describe('the module graph of src/', () => {
  it('resolves every relative import to a file', () => {
    const broken = [...graph].flatMap(([file, imports]) => imports.filter((target) => !graph.has(target)).map((target) => `${name(file)} → ${name(target)}`));
    assert.deepEqual(broken, []);
  });

  it('has no import cycle, type-only imports included', () => {
    assert.deepEqual(cycles().map((cycle) => cycle.join(' → ')), []);
  });

  it('keeps the layers: domain/ and protocol/ import no server, store, cloud or CLI code', () => {
    const below = (file: string, layer: string) => name(file).startsWith(`${layer}/`);
    const crossings = [...graph].flatMap(([file, imports]) =>
      ['domain', 'protocol']
        .filter((layer) => below(file, layer))
        .flatMap(() =>
          imports
            .filter((target) => ['server', 'store', 'clouds', 'cli', 'sdk', 'bus'].some((upper) => below(target, upper)))
            .map((target) => `${name(file)} → ${name(target)}`),
        ),
    );
    assert.deepEqual(crossings, []);
  });
});
