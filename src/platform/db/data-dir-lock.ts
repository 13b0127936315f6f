import { closeSync, openSync, readFileSync, unlinkSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { conflict } from '../errors.js';

/**
 * Embedded PGlite is one process's database: a second process opening the same data directory
 * (the CLI while `casedesk serve` runs) would abort inside PGlite with no useful message. This lock
 * file makes the second one stop at once and say why. A lock left by a process that is gone
 * (killed, crashed) is taken over.
 */
export type DataDirLock = { release: () => void };

const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === 'EPERM'; // exists, owned by someone else
  }
};

export function lockDataDir(dataDir: string): DataDirLock {
  const path = join(dataDir, 'casedesk.lock');
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      const fd = openSync(path, 'wx');
      writeSync(fd, `${process.pid}\n${process.argv.slice(2).join(' ')}\n`);
      closeSync(fd);
      let held = true;
      const release = () => {
        if (!held) return;
        held = false;
        process.off('exit', release);
        try {
          unlinkSync(path);
        } catch {
          // already gone
        }
      };
      process.on('exit', release);
      return { release };
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    const [pidText, command] = readFileSync(path, 'utf8').split('\n');
    const pid = Number(pidText);
    if (Number.isInteger(pid) && pid > 0 && pid !== process.pid && alive(pid)) {
      throw conflict(
        'database.in_use',
        `The embedded database in ${dataDir} is in use by another CaseDesk process (pid ${pid}${
          command ? `: casedesk ${command}` : ''
        }). PGlite serves one process at a time: stop that process first, or run CaseDesk on PostgreSQL (DATABASE_URL) to use the CLI beside a running server.`,
        { dataDir, pid },
      );
    }
    unlinkSync(path); // stale: its process is gone (or it is this very process)
  }
  throw new Error(`could not lock ${dataDir}`);
}
