import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, it } from 'node:test';

// Each cloud's vocabulary stays in its driver's folder: the shared layer (the Driver interface,
// paging, waiting, retries, the simulator) speaks the platform's words only, so a second driver
// copies the pattern without inheriting the first one's terms.
const vendorWords: Record<string, RegExp> = {
  openstack: /\b(nova|neutron|keystone|glance|cinder|flavou?rs?|microversion)\b/i,
};

const root = path.resolve('src/clouds');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return files(full);
    return entry.name.endsWith('.ts') ? [full] : [];
  });
}

describe('cloud vocabularies', () => {
  for (const [driver, words] of Object.entries(vendorWords)) {
    it(`${driver} words appear only in src/clouds/${driver}/`, () => {
      const outside = files(root)
        .filter((file) => !file.startsWith(path.join(root, driver) + path.sep))
        .flatMap((file) =>
          readFileSync(file, 'utf8')
            .split('\n')
            .flatMap((line, i) => (words.test(line) ? [`${path.relative(root, file)}:${i + 1}: ${line.trim()}`] : [])),
        );
      assert.deepEqual(outside, []);
    });
  }
});
