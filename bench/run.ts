import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { type BenchModule, writeFigure } from './lib.js';

/**
 * `npm run bench [-- --quick] [-- --only NAME]`: runs every bench/*.bench.ts and writes one
 * bench/results/NAME.json per figure. Figures are measured, never asserted in tests.
 */
const args = process.argv.slice(2);
const quick = args.includes('--quick');
const onlyIndex = args.indexOf('--only');
const only = onlyIndex >= 0 ? args[onlyIndex + 1] : undefined;

const modules = readdirSync(import.meta.dirname)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => !only || f.startsWith(only))
  .sort();

let failed = 0;
for (const file of modules) {
  process.stdout.write(`\n# ${file}${quick ? ' (quick)' : ''}\n`);
  try {
    const mod = (await import(pathToFileURL(join(import.meta.dirname, file)).href)) as BenchModule;
    for (const figure of await mod.run({ quick })) {
      const written = writeFigure(figure);
      const verdict =
        written.target === null
          ? ''
          : (written.better === 'higher' ? written.value >= written.target : written.value <= written.target)
            ? '  (meets target)'
            : '  (MISSES target)';
      process.stdout.write(
        `${written.name}: ${written.value} ${written.unit}  target ${written.target ?? '-'}${verdict}\n`,
      );
    }
  } catch (err) {
    failed++;
    process.stderr.write(
      `${file} failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`,
    );
  }
}
process.exit(failed ? 1 : 0);
