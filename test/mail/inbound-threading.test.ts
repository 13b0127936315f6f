import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccount, updateAccount } from '../../src/accounts/accounts.repo.js';
import { importThread } from '../../src/archive/import-thread.js';
import { createEngineer } from '../../src/auth/engineers.repo.js';
import { findCase, listParticipants, updateCase } from '../../src/cases/cases.repo.js';
import { insertEmailActivity, listTimeline } from '../../src/cases/timeline.repo.js';
import { listInbound } from '../../src/mail/inbound/inbound.repo.js';
import {
  type IngestDeps,
  type IngestOutcome,
  ingestRawMessage,
} from '../../src/mail/inbound/ingest-pipeline.js';
import { dismissInboundMessage, fileInboundMessage } from '../../src/mail/inbound/review.service.js';
import { listNotifications } from '../../src/notifications/notifications.repo.js';
import { fixedClock } from '../../src/platform/clock.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { buildMail, type TestMail } from './mail-builder.js';

const SEED = 'CAS-04814-C9T9D0';
const SEED_SUBJECT =
  '[案例号:\u2009CAS-04814-C9T9D0\u2009] %\u2009|P3|ICBC|补丁更新失败\u2009% 初次响应 CMIT:0001334';

let database: TestDatabase;
let deps: IngestDeps;
const clock = fixedClock('2026-05-06T02:00:00Z');
let owner: { id: string };

const ingest = (m: TestMail) => ingestRawMessage(deps, buildMail(m), 'test');
const threaded = (o: IngestOutcome) => {
  if (o.status !== 'threaded') throw new Error(`expected threaded, got ${JSON.stringify(o)}`);
  return o;
};

beforeAll(async () => {
  database = await openTestDatabase();
  deps = {
    db: database.db,
    files: createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-inbound-'))),
    clock,
    trackingPrefix: 'CMIT',
    ownAddresses: ['support@casedesk.test'],
  };
  await createEngineer(database.db, {
    name: 'Li Qi',
    email: 'li.qi@vendor.example',
    role: 'admin',
    password: 'correct horse',
  });
  owner = await createEngineer(database.db, {
    name: 'Jia Wei',
    email: 'jia.wei@vendor.example',
    password: 'battery staple',
  });
  const seed = readFileSync(
    join(import.meta.dirname, '..', 'fixtures', 'seed-thread', '000_673e19c121c0ecf3.txt'),
  );
  await importThread(
    { db: database.db, trackingPrefix: 'CMIT' },
    { fileName: 'seed.txt', bytes: seed, engineers: ['Li Qi', 'Jia Wei'] },
  );
  await updateAccount(database.db, 'ICBC', { domains: ['icbc.com.cn'] });
  await createAccount(database.db, { name: 'ACME', domains: ['acme.example'] });
});
afterAll(async () => {
  await database.drop();
});

describe('threading real replies', () => {
  it('lands replies to the seed case subject on CAS-04814-C9T9D0, whatever the prefix and charset', async () => {
    const before = (await listTimeline(database.db, (await findCase(database.db, SEED))?.id ?? '')).length;
    const a = threaded(
      await ingest({
        from: '张伟 <zhang.wei@icbc.com.cn>',
        subject: `答复: ${SEED_SUBJECT}`,
        messageId: 'seed-r1@icbc.com.cn',
        gb: true,
        body: '补丁已按步骤安装，仍然失败。',
      }),
    );
    expect(a).toMatchObject({ caseNumber: SEED, via: 'token', newCase: false });
    const b = threaded(
      await ingest({
        from: 'zhang.wei@icbc.com.cn',
        subject: `RE: 回复: ${SEED_SUBJECT}`,
        messageId: 'seed-r2@icbc.com.cn',
      }),
    );
    expect(b.caseNumber).toBe(SEED);
    const kase = await findCase(database.db, SEED);
    const timeline = await listTimeline(database.db, kase?.id ?? '');
    expect(timeline.length).toBe(before + 2);
    const last = timeline.filter((t) => t.type === 'email').at(-2);
    expect(last?.email?.text).toContain('补丁已按步骤安装');
    expect(last?.actor).toMatchObject({ type: 'contact', name: '张伟' });
  });

  it('lands an Outlook reply (RE:/答复:, new Message-ID, References) on its case', async () => {
    const opened = threaded(
      await ingest({
        from: 'Wang <wang@acme.example>',
        subject: 'Printer driver crash',
        messageId: 'root-1@acme.example',
      }),
    );
    expect(opened).toMatchObject({ newCase: true, via: 'new_case' });
    const kase = await findCase(database.db, opened.caseNumber);
    expect(kase).toMatchObject({
      title: 'Printer driver crash',
      priority: 'P3',
      account: 'ACME',
      status: 'new',
    });
    // CaseDesk's own reply, as the outbound side records it.
    await insertEmailActivity(database.db, {
      caseId: kase?.id ?? '',
      actor: { type: 'engineer', id: owner.id, name: 'Jia Wei' },
      occurredAt: clock.now(),
      email: {
        direction: 'outbound',
        from: { name: 'Jia Wei', address: 'support@casedesk.test' },
        to: [],
        cc: [],
        subject: 'x',
        text: 'Please send the logs',
        html: null,
        sentAt: clock.now(),
        messageId: 'out-1@casedesk.test',
        inReplyTo: 'root-1@acme.example',
        references: ['root-1@acme.example'],
        attachments: [],
      },
    });
    const reply = threaded(
      await ingest({
        from: 'Wang <wang@acme.example>',
        subject: 'RE: Printer driver crash',
        messageId: 'AM0PR01MB1@outlook.example',
        inReplyTo: 'out-1@casedesk.test',
        references: ['root-1@acme.example', 'out-1@casedesk.test'],
      }),
    );
    expect(reply).toMatchObject({ caseNumber: opened.caseNumber, via: 'reference', newCase: false });
    const zh = threaded(
      await ingest({
        from: 'Wang <wang@acme.example>',
        subject: '答复: Printer driver crash',
        messageId: 'AM0PR01MB2@outlook.example',
        references: ['root-1@acme.example'],
      }),
    );
    expect(zh.caseNumber).toBe(opened.caseNumber);
  });

  it('lands a QQMail-style reply with no References by its tag', async () => {
    const opened = threaded(
      await ingest({ from: 'zhao@icbc.com.cn', subject: '网银客户端闪退', messageId: 'qq-root@icbc.com.cn' }),
    );
    const reply = threaded(
      await ingest({
        from: 'zhao@icbc.com.cn',
        subject: `回复：[案例号: ${opened.caseNumber}] 网银客户端闪退`,
        messageId: 'qq-2@qq.example',
        gb: true,
      }),
    );
    expect(reply).toMatchObject({ caseNumber: opened.caseNumber, via: 'tag' });
  });

  it('sends a forged tag from a stranger to review, never onto the case; a person can then file or dismiss it', async () => {
    const seedBefore = (await listTimeline(database.db, (await findCase(database.db, SEED))?.id ?? ''))
      .length;
    const forged = await ingest({
      from: 'mallory@evil.example',
      subject: `RE: [案例号: ${SEED}] 请把日志发到这个地址`,
      messageId: 'forged-1@evil.example',
    });
    expect(forged).toMatchObject({ status: 'review', namedCase: SEED });
    clock.advance(1000);
    const forgedToken = await ingest({
      from: 'mallory@evil.example',
      subject: 'hello CMIT:0001334',
      messageId: 'forged-2@evil.example',
    });
    expect(forgedToken).toMatchObject({ status: 'review', namedCase: SEED });
    expect((await listTimeline(database.db, (await findCase(database.db, SEED))?.id ?? '')).length).toBe(
      seedBefore,
    );

    const queue = await listInbound(database.db, 'review', { limit: 50, offset: 0 });
    expect(queue.map((q) => q.from)).toEqual(['mallory@evil.example', 'mallory@evil.example']);
    expect(queue[0]).toMatchObject({
      namedCase: SEED,
      subject: `RE: [案例号: ${SEED}] 请把日志发到这个地址`,
    });

    const filed = await fileInboundMessage(
      deps,
      { id: owner.id, name: 'Jia Wei' },
      queue[0]?.id ?? '',
      'new_case',
    );
    expect(filed).toMatchObject({ status: 'threaded', newCase: true });
    expect(filed.caseNumber).not.toBe(SEED);
    await dismissInboundMessage(deps, { id: owner.id, name: 'Jia Wei' }, queue[1]?.id ?? '', 'phishing');
    expect(await listInbound(database.db, 'review', { limit: 50, offset: 0 })).toEqual([]);
    await expect(dismissInboundMessage(deps, null, queue[1]?.id ?? '')).rejects.toThrow(/already handled/);
  });

  it('threads by Outlook Thread-Index when nothing else matches', async () => {
    const root = Buffer.from(Array.from({ length: 22 }, (_, i) => (i * 7 + 3) % 256));
    const first = threaded(
      await ingest({
        from: 'chen@acme.example',
        subject: 'VPN drops',
        messageId: 'ti-1@acme.example',
        threadIndex: root.toString('base64'),
      }),
    );
    const second = threaded(
      await ingest({
        from: 'chen@acme.example',
        subject: 'VPN drops again (new subject)',
        messageId: 'ti-2@acme.example',
        threadIndex: Buffer.concat([root, Buffer.from([1, 2, 3, 4, 5])]).toString('base64'),
      }),
    );
    expect(second).toMatchObject({ caseNumber: first.caseNumber, via: 'thread_index' });
  });

  it('follows a merge to the surviving case', async () => {
    const merged = threaded(
      await ingest({ from: 'sun@acme.example', subject: 'Disk full', messageId: 'm-1@acme.example' }),
    );
    const survivor = threaded(
      await ingest({ from: 'sun@acme.example', subject: 'Disk full (dup)', messageId: 'm-2@acme.example' }),
    );
    const survivorCase = await findCase(database.db, survivor.caseNumber);
    await database.db
      .updateTable('cases')
      .set({ merged_into: survivorCase?.id ?? null })
      .where('number', '=', merged.caseNumber)
      .execute();
    const reply = threaded(
      await ingest({
        from: 'sun@acme.example',
        subject: 'Re: Disk full',
        messageId: 'm-3@acme.example',
        inReplyTo: 'm-1@acme.example',
      }),
    );
    expect(reply.caseNumber).toBe(survivor.caseNumber);
    const byTag = threaded(
      await ingest({
        from: 'sun@acme.example',
        subject: `Re: [Case: ${merged.caseNumber}] Disk full`,
        messageId: 'm-4@acme.example',
      }),
    );
    expect(byTag.caseNumber).toBe(survivor.caseNumber);
  });

  it('puts a waiting case back in progress on the customer reply and notifies the owner; CCs become participants', async () => {
    const opened = threaded(
      await ingest({
        from: 'Zhou <zhou@acme.example>',
        subject: 'License error',
        messageId: 'w-1@acme.example',
      }),
    );
    const kase = await findCase(database.db, opened.caseNumber);
    await updateCase(database.db, kase?.id ?? '', {
      status: 'waiting_for_customer',
      ownerId: owner.id,
      updatedAt: clock.now(),
    });
    const reply = threaded(
      await ingest({
        from: 'Zhou <zhou@acme.example>',
        cc: 'Boss <boss@acme.example>, IT 升级支持 <it@outsourcer.example>, support@casedesk.test',
        subject: 'Re: License error',
        inReplyTo: 'w-1@acme.example',
        messageId: 'w-2@acme.example',
      }),
    );
    expect(reply.caseNumber).toBe(opened.caseNumber);
    expect((await findCase(database.db, opened.caseNumber))?.status).toBe('in_progress');
    const timeline = await listTimeline(database.db, kase?.id ?? '');
    expect(timeline.at(-1)).toMatchObject({
      type: 'status_change',
      payload: { from: 'waiting_for_customer', to: 'in_progress' },
    });
    const notes = await listNotifications(database.db, owner.id, { unreadOnly: true, limit: 10 });
    expect(notes.some((n) => n.kind === 'mail.customer_reply' && n.message.includes(opened.caseNumber))).toBe(
      true,
    );
    const people = await listParticipants(database.db, kase?.id ?? '');
    expect(people.map((p) => p.email).sort()).toEqual([
      'boss@acme.example',
      'it@outsourcer.example',
      'zhou@acme.example',
    ]);
    // The outsourced IT team was copied in, so it may now write into the case by itself.
    const it3 = threaded(
      await ingest({
        from: 'it@outsourcer.example',
        subject: `Re: [Case: ${opened.caseNumber}] License error`,
        messageId: 'w-3@outsourcer.example',
      }),
    );
    expect(it3.caseNumber).toBe(opened.caseNumber);
  });

  it('reopens a case closed within 14 days, and opens a linked follow-up after that', async () => {
    const recent = threaded(
      await ingest({ from: 'wu@acme.example', subject: 'Backup fails', messageId: 'c-1@acme.example' }),
    );
    const recentCase = await findCase(database.db, recent.caseNumber);
    await updateCase(database.db, recentCase?.id ?? '', {
      status: 'closed',
      closedAt: new Date(clock.now().getTime() - 13 * 86400_000),
      updatedAt: clock.now(),
    });
    threaded(
      await ingest({
        from: 'wu@acme.example',
        subject: 'Re: Backup fails',
        inReplyTo: 'c-1@acme.example',
        messageId: 'c-2@acme.example',
      }),
    );
    expect(await findCase(database.db, recent.caseNumber)).toMatchObject({
      status: 'in_progress',
      closedAt: null,
    });

    const old = threaded(
      await ingest({ from: 'wu@acme.example', subject: 'Scanner offline', messageId: 'c-3@acme.example' }),
    );
    const oldCase = await findCase(database.db, old.caseNumber);
    await updateCase(database.db, oldCase?.id ?? '', {
      status: 'closed',
      closedAt: new Date(clock.now().getTime() - 30 * 86400_000),
      updatedAt: clock.now(),
    });
    const late = threaded(
      await ingest({
        from: 'wu@acme.example',
        subject: 'Re: Scanner offline',
        inReplyTo: 'c-3@acme.example',
        messageId: 'c-4@acme.example',
      }),
    );
    expect(late).toMatchObject({ newCase: true, via: 'follow_up' });
    expect(late.caseNumber).not.toBe(old.caseNumber);
    expect((await findCase(database.db, old.caseNumber))?.status).toBe('closed');
    const oldTimeline = await listTimeline(database.db, oldCase?.id ?? '');
    expect(oldTimeline.at(-1)?.payload).toMatchObject({
      event: 'follow_up_opened',
      followUp: late.caseNumber,
    });
    const newTimeline = await listTimeline(
      database.db,
      (await findCase(database.db, late.caseNumber))?.id ?? '',
    );
    expect(newTimeline[0]?.payload).toMatchObject({ event: 'created', followUpOf: old.caseNumber });
    expect((await findCase(database.db, late.caseNumber))?.title).toBe('Scanner offline');
  });
});

describe('dedupe and what cannot be filed', () => {
  it('stores the same message once, by bytes or by Message-ID', async () => {
    const raw = buildMail({ from: 'dup@acme.example', subject: 'Same', messageId: 'dup-1@acme.example' });
    const first = threaded(await ingestRawMessage(deps, raw, 'smtp'));
    expect(await ingestRawMessage(deps, raw, 'imap:x')).toMatchObject({
      status: 'duplicate',
      caseNumber: first.caseNumber,
    });
    const relayed = Buffer.concat([
      Buffer.from('Received: from relay.example by mx.example; Wed, 6 May 2026 09:01:00 +0800\r\n'),
      raw,
    ]);
    expect(await ingestRawMessage(deps, relayed, 'imap:x')).toMatchObject({
      status: 'duplicate',
      caseNumber: first.caseNumber,
    });
    const kase = await findCase(database.db, first.caseNumber);
    expect((await listTimeline(database.db, kase?.id ?? '')).filter((a) => a.type === 'email')).toHaveLength(
      1,
    );
  });

  it('never threads our own sent mail coming back as a new message', async () => {
    const back = await ingest({
      from: 'support@casedesk.test',
      subject: 'x',
      messageId: 'out-1@casedesk.test',
    });
    expect(back.status).toBe('duplicate');
  });

  it('keeps an unreadable message raw and lists it as needing attention', async () => {
    const raw = readFileSync(
      join(import.meta.dirname, '..', 'fixtures', 'emails', 'tnef', 'spamscope_mail_outlook_1.msg'),
    );
    const outcome = await ingestRawMessage(deps, raw, 'import:outlook.msg');
    expect(outcome.status).toBe('needs_attention');
    expect(await deps.files.has(outcome.rawSha256)).toBe(true);
    const list = await listInbound(database.db, 'needs_attention', { limit: 10, offset: 0 });
    expect(list.find((i) => i.rawSha256 === outcome.rawSha256)?.reason).toMatch(/could not be read/);
    expect(await ingestRawMessage(deps, raw, 'import:again.msg')).toMatchObject({ status: 'duplicate' });
  });

  it('lists an out-of-office reply that matches no case for attention instead of opening a case', async () => {
    const o = await ingest({
      from: 'away@acme.example',
      subject: 'Automatic reply: hello',
      messageId: 'ooo@acme.example',
      headers: ['Auto-Submitted: auto-replied'],
    });
    expect(o).toMatchObject({ status: 'needs_attention' });
  });
});
