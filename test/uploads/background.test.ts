import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { Upload } from 'tus-js-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import yazl from 'yazl';
import { changeStatus } from '../../src/cases/cases.service.js';
import { insertEmailActivity, listTimeline } from '../../src/cases/timeline.repo.js';
import { queueAttachmentTriage } from '../../src/facts/fact-scans.js';
import { buildJobs } from '../../src/main.js';
import { JobRunner } from '../../src/platform/jobs/jobs.js';
import { purgeExpiredUploads, sweepStaleUploads } from '../../src/uploads/upload-tasks.js';
import { engineerFetch, startUploadHarness, type UploadHarness, uploadLogin } from './upload-harness.js';

const WINLOGS = join(import.meta.dirname, '..', 'fixtures', 'winlogs');
const HASH_LOG = 'alborz25_cbs_ws2012_hash_mismatch_0x800f081f.log';
const DISM_LOG = 'appostarsi_dism_restorehealth_source_0x800f081f.log';

let h: UploadHarness;
let cookie: string;
let runner: JobRunner;
beforeAll(async () => {
  h = await startUploadHarness();
  const res = await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/upload-workspaces`, {
    method: 'POST',
    body: {},
  });
  const ws = (await res.json()) as { user: string; password: string };
  cookie = (await uploadLogin(h, ws.user, ws.password)).cookie as string;
  runner = new JobRunner({ db: h.database.db, clock: h.clock, jobs: buildJobs(h.deps) });
}, 120_000); // PGlite and argon2 start slowly on a loaded machine
afterAll(async () => h.close());

function upload(data: Buffer, name: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const u = new Upload(data, {
      endpoint: `${h.baseUrl}/upload/tus`,
      headers: { cookie },
      metadata: { filename: name },
      retryDelays: [],
      onSuccess: () => resolve((u.url as string).split('/').pop() as string),
      onError: reject,
    });
    u.start();
  });
}

function zeros(total: number): Readable {
  const chunk = Buffer.alloc(1024 * 1024);
  let left = total;
  return new Readable({
    read() {
      if (left <= 0) return void this.push(null);
      const n = Math.min(left, chunk.length);
      left -= n;
      this.push(chunk.subarray(0, n));
    },
  });
}

function zipOf(name: string, size: number): Promise<Buffer> {
  const zip = new yazl.ZipFile();
  zip.addReadStream(zeros(size), name, { size });
  zip.end();
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    zip.outputStream.on('data', (d: Buffer) => parts.push(d));
    zip.outputStream.on('end', () => resolve(Buffer.concat(parts)));
    zip.outputStream.on('error', reject);
  });
}

type FindingsBody = {
  files: { source: string; fileName: string; status: string; error: string | null; findingCount: number }[];
  findings: Record<string, unknown>[];
};

async function findings(): Promise<FindingsBody> {
  return (await (await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/findings`)).json()) as FindingsBody;
}

describe('background triage of uploads and email attachments', () => {
  it('triages a finished upload: findings as the committed expectations, on the timeline, with facts', async () => {
    await upload(readFileSync(join(WINLOGS, HASH_LOG)), HASH_LOG);
    expect(await runner.runDue()).toBe(1);
    const body = await findings();
    expect(body.files).toEqual([
      expect.objectContaining({ source: 'upload', fileName: HASH_LOG, status: 'done', error: null }),
    ]);
    const expected = JSON.parse(readFileSync(join(WINLOGS, 'expected', `${HASH_LOG}.json`), 'utf8'));
    expect(body.findings.map(({ id: _i, triagedFileId: _t, ...f }) => f)).toEqual(expected);
    const summary = (await listTimeline(h.database.db, h.caseId)).find(
      (a) => a.payload.kind === 'triage.completed',
    );
    expect(summary?.payload).toMatchObject({
      fileName: HASH_LOG,
      findings: expected.length,
      source: 'upload',
    });
    const facts = (await (
      await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/facts?kind=error_code`)
    ).json()) as { facts: unknown[] };
    expect(facts.facts).toContainEqual(
      expect.objectContaining({
        normalized: '0x800F081F',
        name: 'CBS_E_SOURCE_MISSING',
        fromFindings: expect.any(Number),
      }),
    );
    expect(await runner.runDue()).toBe(0); // once per file
  });

  it('refuses a zip bomb with a clear reason and leaves nothing behind in the store', async () => {
    const bomb = await zipOf('CBS.log', 200 * 1024 * 1024);
    await upload(bomb, 'logs.zip');
    await runner.runDue();
    const refused = (await findings()).files.find((f) => f.fileName === 'logs.zip');
    expect(refused).toMatchObject({ status: 'refused', findingCount: 0 });
    expect(refused?.error).toMatch(/compression ratio \d+:1 exceeds/);
    const timeline = await listTimeline(h.database.db, h.caseId);
    expect(timeline.map((a) => a.payload)).toContainEqual(
      expect.objectContaining({ kind: 'triage.refused', fileName: 'logs.zip' }),
    );
    expect(readdirSync(h.files.tempDir)).toEqual(['tus']); // scratch directories removed
  });

  it('triages email attachments once per email and hash', async () => {
    const bytes = readFileSync(join(WINLOGS, DISM_LOG));
    const stored = await h.files.putBytes(bytes);
    const attachment = {
      filename: 'dism.log',
      contentType: 'text/plain',
      size: stored.size,
      sha256: stored.sha256,
    };
    await insertEmailActivity(h.database.db, {
      caseId: h.caseId,
      actor: { type: 'contact', id: null, name: '王经理' },
      occurredAt: h.clock.now(),
      email: {
        direction: 'inbound',
        from: { name: '王经理', address: 'wang@icbc.com.cn' },
        to: [],
        cc: [],
        subject: 'DISM 日志',
        text: '附件是 DISM 日志',
        html: null,
        sentAt: h.clock.now(),
        messageId: '<dism@icbc.com.cn>',
        inReplyTo: null,
        references: [],
        attachments: [attachment, attachment],
      },
    });
    expect(await queueAttachmentTriage(h.deps)).toBe(1);
    expect(await queueAttachmentTriage(h.deps)).toBe(0);
    await runner.runDue();
    const body = await findings();
    const dism = body.files.find((f) => f.source === 'email');
    expect(dism).toMatchObject({ fileName: 'dism.log', status: 'done' });
    expect(body.findings.some((f) => f.file === 'dism.log' && f.code === '0x800F081F')).toBe(true);
  });

  it('sweeps a stale partial upload', async () => {
    const create = await fetch(`${h.baseUrl}/upload/tus`, {
      method: 'POST',
      headers: { cookie, 'tus-resumable': '1.0.0', 'upload-length': '100' },
    });
    const url = new URL(create.headers.get('location') as string, `${h.baseUrl}/upload/tus`).href;
    await fetch(url, {
      method: 'PATCH',
      headers: {
        cookie,
        'tus-resumable': '1.0.0',
        'upload-offset': '0',
        'content-type': 'application/offset+octet-stream',
      },
      body: 'x'.repeat(10),
    });
    expect(await sweepStaleUploads(h.deps)).toEqual({ swept: 0, completed: 0 });
    h.clock.advance(25 * 3_600_000);
    expect(await sweepStaleUploads(h.deps)).toEqual({ swept: 1, completed: 0 });
    // The page session has ended too (sessions last 12 hours): sign in again to look.
    const ws = (await (await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/upload-workspaces`)).json()) as {
      state: string;
    }[];
    expect(ws[0]?.state).toBe('active');
    const again = await fetch(url, { method: 'HEAD', headers: { cookie, 'tus-resumable': '1.0.0' } });
    expect(again.status).toBe(401);
    const workspaceRow = await h.database.db
      .selectFrom('upload_files')
      .select('id')
      .where('status', '=', 'swept')
      .execute();
    expect(workspaceRow).toHaveLength(1);
    expect(
      readdirSync(join(h.files.tempDir, 'tus')).filter((f) => f.startsWith(workspaceRow[0]?.id ?? '-')),
    ).toEqual([]);
    const uploads = (await (await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/uploads`)).json()) as {
      status: string;
    }[];
    expect(uploads.filter((u: { status: string }) => u.status === 'swept')).toHaveLength(1);
  });

  it('purges files after the retention period once the case is closed, on the timeline', async () => {
    const uploads = (await (await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/uploads`)).json()) as {
      id: string;
      sha256: string;
      status: string;
    }[];
    const kept = uploads.filter((u) => u.status === 'complete');
    expect(kept).toHaveLength(2);
    const actor = { type: 'engineer' as const, id: h.engineer.id, name: h.engineer.name };
    await changeStatus({ db: h.database.db, clock: h.clock, trackingPrefix: 'CMIT' }, actor, h.caseNumber, {
      status: 'closed',
    });
    h.clock.advance(89 * 86_400_000);
    expect(await purgeExpiredUploads(h.deps)).toBe(0);
    h.clock.advance(2 * 86_400_000);
    expect(await purgeExpiredUploads(h.deps)).toBe(2);
    for (const u of kept) {
      expect(await h.files.has(u.sha256)).toBe(false);
      const res = await engineerFetch(h, `/api/v1/cases/${h.caseNumber}/uploads/${u.id}/content`);
      expect(res.status).toBe(404);
    }
    const purged = (await listTimeline(h.database.db, h.caseId)).find(
      (a) => a.payload.kind === 'upload.purged',
    );
    expect(purged?.payload).toMatchObject({ retentionDays: 90 });
    expect(purged?.payload.files).toHaveLength(2);
    expect(await purgeExpiredUploads(h.deps)).toBe(0);
  });
});
