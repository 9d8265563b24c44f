import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const FOLDER = join(__dirname, '..', '..', '..', '..', 'electron', 'engine', 'conversation');
/** Plain values and tokens every part may use; they import nothing of the folder themselves. */
const LEAVES = new Set(['attempt', 'room-target']);

describe('conversation parts', () => {
  it('import no other part: only the facade composes them', () => {
    const files = readdirSync(FOLDER).filter((name) => name.endsWith('.ts'));
    const found: string[] = [];
    for (const file of files) {
      const name = file.replace(/\.ts$/u, '');
      if (name === 'conversation') continue;
      const source = readFileSync(join(FOLDER, file), 'utf8');
      for (const match of source.matchAll(/from '\.\/([\w-]+)'/gu)) {
        const imported = match[1] ?? '';
        if (!LEAVES.has(imported) || LEAVES.has(name)) found.push(`${name} → ${imported}`);
      }
    }
    expect(files.length).toBeGreaterThanOrEqual(8);
    expect(found).toEqual([]);
  });
});
