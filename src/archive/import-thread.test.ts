import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { createEngineer } from '../auth/engineers.repo.js';
import { getCaseDetail } from '../cases/cases.service.js';
import { fixedClock } from '../platform/clock.js';
import { exportThread } from './export-thread.js';
import { importThread } from './import-thread.js';

const seedPath = join(import.meta.dirname, '../../test/fixtures/seed-thread/000_673e19c121c0ecf3.txt');
const seed = readFileSync(seedPath);

let database: TestDatabase;
beforeAll(async () => {
  database = await openTestDatabase();
});
afterAll(async () => database.drop());

const deps = () => ({ db: database.db, trackingPrefix: 'CMIT' });

describe('importing the seed thread', () => {
  it('creates case CAS-04814-C9T9D0 with its fields, 11 messages and the handovers', async () => {
    const result = await importThread(deps(), {
      fileName: '000_673e19c121c0ecf3.txt',
      bytes: seed,
      engineers: ['Li Qi', 'Jia Wei'],
    });
    expect(result).toMatchObject({
      caseNumber: 'CAS-04814-C9T9D0',
      title: '补丁更新失败',
      priority: 'P3',
      account: 'ICBC',
      stage: '初次响应',
      trackingToken: 'CMIT:0001334',
      messages: 11,
      owner: 'Li Qi',
      created: true,
    });
    const detail = await getCaseDetail(
      { ...deps(), clock: fixedClock('2026-01-01T00:00:00Z') },
      'CAS-04814-C9T9D0',
    );
    const emails = detail.timeline.filter((a) => a.type === 'email');
    expect(emails).toHaveLength(11);
    expect(emails[0]?.occurredAt).toBe('2021-09-22T17:01:10.450000Z');
    expect(emails[8]).toMatchObject({
      actor: { type: 'contact', name: 'win10升级支持' },
      email: { direction: 'inbound' },
    });
    const transfers = detail.timeline.filter((a) => a.type === 'transfer').map((a) => a.payload);
    expect(transfers).toMatchObject([
      { from: { name: 'Li Qi' }, to: { name: 'Jia Wei' } },
      { from: { name: 'Jia Wei' }, to: { name: 'Li Qi' } },
    ]);
    expect(detail.openedAt).toBe('2021-09-22T17:01:10.450Z');
    // The first message is empty: the first response is message 2.
    expect(detail.firstResponseAt).toBe('2021-09-22T17:19:56.362Z');
    expect(detail.participants.map((p) => p.name)).toEqual(['win10升级支持']);
  });

  it('exports the case back byte for byte', async () => {
    const text = await exportThread(deps(), 'CAS-04814-C9T9D0');
    expect(Buffer.from(text, 'utf8').equals(seed)).toBe(true);
  });

  it('creates nothing on a second import, and says so', async () => {
    const again = await importThread(deps(), {
      fileName: 'again.txt',
      bytes: seed,
      engineers: ['Li Qi', 'Jia Wei'],
    });
    expect(again).toMatchObject({ created: false, caseNumber: 'CAS-04814-C9T9D0' });
    expect(again.reason).toMatch(/already imported/);
    const count = await database.db
      .selectFrom('emails')
      .select((eb) => eb.fn.countAll<number>().as('n'))
      .executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(11);
  });

  it('reads a GB18030 file, and treats a known engineer as an engineer without --engineer', async () => {
    await createEngineer(database.db, { name: 'Zhang San' });
    const text = seed
      .toString('utf8')
      .replace('CAS-04814-C9T9D0', 'CAS-00001-AAAAAA')
      .replace('CMIT:0001334', 'CMIT:0000001')
      .replaceAll('Li Qi', 'Zhang San');
    const result = await importThread(deps(), {
      fileName: 'gbk.txt',
      bytes: iconv.encode(text, 'gb18030'),
      engineers: [],
    });
    expect(result).toMatchObject({
      created: true,
      encoding: 'gb18030',
      owner: 'Zhang San',
      title: '补丁更新失败',
    });
  });

  it('stores nothing of a bad file and names file and line', async () => {
    const broken = seed
      .toString('utf8')
      .replace('发送时间：2021-10-12 15:58:15.657000+00:00', '发送时间：yesterday');
    const fixed = broken.replace('CAS-04814-C9T9D0', 'CAS-00002-BBBBBB');
    await expect(
      importThread(deps(), { fileName: 'broken.txt', bytes: Buffer.from(fixed), engineers: [] }),
    ).rejects.toMatchObject({
      code: 'archive.bad_format',
      details: { file: 'broken.txt', line: expect.any(Number) },
    });
    const found = await database.db
      .selectFrom('cases')
      .select('id')
      .where('number', '=', 'CAS-00002-BBBBBB')
      .execute();
    expect(found).toHaveLength(0);
  });
});
