import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { importThread } from '../../src/archive/import-thread.js';
import { extractEmailFacts } from '../../src/facts/fact-scans.js';
import { engineerFetch, startUploadHarness, type UploadHarness } from './upload-harness.js';

const SEED = join(import.meta.dirname, '..', 'fixtures', 'seed-thread', '000_673e19c121c0ecf3.txt');

let h: UploadHarness;
let seedCase: string;
beforeAll(async () => {
  h = await startUploadHarness();
  const imported = await importThread(
    { db: h.database.db, trackingPrefix: 'CMIT' },
    { fileName: 'seed.txt', bytes: readFileSync(SEED), engineers: ['Li Qi', 'Jia Wei'] },
  );
  seedCase = imported.caseNumber;
}, 120_000); // PGlite and argon2 start slowly on a loaded machine
afterAll(async () => h.close());

type FactView = { kind: string; normalized: string; name?: string; message?: string; fromEmails: number };

describe('facts from the seed case', () => {
  it('extracts KBs, the error code with its meaning and both hashes from every mail, once', async () => {
    const processed = await extractEmailFacts(h.deps);
    expect(processed).toBeGreaterThan(5);
    expect(await extractEmailFacts(h.deps)).toBe(0);
    const res = await engineerFetch(h, `/api/v1/cases/${seedCase}/facts`);
    const { facts } = (await res.json()) as { facts: FactView[] };
    const of = (kind: string) => facts.filter((f) => f.kind === kind).map((f) => f.normalized);
    expect(of('kb')).toEqual(
      expect.arrayContaining(['KB5004244', 'KB5003646', 'KB5003171', 'KB5005112', 'KB5005030', 'KB5003243']),
    );
    expect(facts).toContainEqual(
      expect.objectContaining({
        kind: 'error_code',
        normalized: '0x80073712',
        name: 'ERROR_SXS_COMPONENT_STORE_CORRUPT',
        message: expect.stringMatching(/component store/i),
      }),
    );
    expect(of('hash')).toEqual(
      expect.arrayContaining([
        '72731cc3a869e9b445f466479fdcf44cf694e717e807e3277c229cb960316102',
        '1aaa57c006a57122483d08d37341e401fca266c6a93468ae49dde6f3281db5a0',
      ]),
    );
    expect(of('case_number')).toContain(seedCase);
    // Quoted replies repeat facts: each fact is listed once, counting the mails it is in.
    const kb = facts.find((f) => f.normalized === 'KB5004244');
    expect(kb?.fromEmails).toBeGreaterThan(1);
    expect(new Set(facts.map((f) => `${f.kind}:${f.normalized}`)).size).toBe(facts.length);
  });

  it('finds facts across cases however the user writes them', async () => {
    for (const q of [
      'KB5005112',
      'kb5005112',
      '5005112',
      '0x80073712',
      'ERROR_SXS_COMPONENT_STORE_CORRUPT',
      '1AAA57C006A5',
    ]) {
      const res = await engineerFetch(h, `/api/v1/facts?q=${encodeURIComponent(q)}`);
      expect(res.status).toBe(200);
      const { items } = (await res.json()) as { items: { caseNumber: string; normalized: string }[] };
      expect(
        items.map((i) => i.caseNumber),
        q,
      ).toContain(seedCase);
    }
    const none = (await (await engineerFetch(h, '/api/v1/facts?q=KB9999999')).json()) as { items: unknown[] };
    expect(none.items).toEqual([]);
    const bad = await engineerFetch(h, '/api/v1/facts?q=');
    expect(bad.status).toBe(400);
  });
});
