import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { getCaseDetail } from '../../src/cases/cases.service.js';
import { outboundSettings } from '../../src/mail/outbound/mail-settings.js';
import { listOutbox } from '../../src/mail/outbound/outbox.repo.js';
import { OutboxSender } from '../../src/mail/outbound/outbox-sender.js';
import { enqueueNotificationMail, sendCaseReply } from '../../src/mail/outbound/send-reply.js';
import { createSmtpTransport } from '../../src/mail/outbound/smtp-transport.js';
import { parseMessage } from '../../src/mail/parse/parse-message.js';
import { parseSubject } from '../../src/mail/subject.js';
import { fixedClock } from '../../src/platform/clock.js';
import { loadConfig } from '../../src/platform/config.js';
import { createLocalFileStore } from '../../src/platform/files/file-store.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { customerMessageId, seedCase, threadRoot } from './support/case-fixture.js';
import { type SinkAnswer, type SmtpSink, startSmtpSink } from './support/smtp-sink.js';

let database: TestDatabase;
const clock = fixedClock('2026-05-06T02:00:00Z');
const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-outbox-')));
let answers: SinkAnswer[] = [];
let sink: SmtpSink;

const configFor = (port: number | null) =>
  loadConfig(
    {},
    {
      trackingPrefix: 'CMIT',
      mailFrom: 'Vendor Support <support@vendor.example>',
      ...(port === null ? {} : { smtpOutHost: '127.0.0.1', smtpOutPort: port, smtpOutTls: 'none' }),
    },
  );

function senderFor(port: number | null, workerId = 'w1') {
  const settings = outboundSettings(configFor(port));
  return new OutboxSender({
    db: database.db,
    clock,
    files,
    settings,
    transport: settings.smtp ? createSmtpTransport(settings.smtp) : null,
    workerId,
    random: () => 0,
  });
}

const deps = (port: number | null) => ({ db: database.db, clock, config: configFor(port), files });

beforeAll(async () => {
  database = await openTestDatabase();
  sink = await startSmtpSink({ answer: () => answers.shift() ?? { accept: true } });
});
afterAll(async () => {
  await sink.close();
  await database.drop();
});

describe('an engineer reply through the outbox to a real SMTP server', () => {
  it('arrives with the subject convention, threading headers, body and attachments; bcc only in the envelope', async () => {
    const seeded = await seedCase(database.db, clock);
    const zip = Buffer.from('PK\u0003\u0004 not really a zip, but bytes 日志');
    const reply = await sendCaseReply(deps(sink.port), seeded.actor, seeded.caseNumber, {
      to: ['Wang Li <wang.li@icbc.com.cn>'],
      cc: ['win10升级支持 <win10@icbc.com.cn>'],
      bcc: ['audit@vendor.example'],
      text: '您好，\n\n请运行附件中的日志收集工具。\n\nLi Qi',
      html: '<p>您好，</p><p>请运行附件中的日志收集工具。</p>',
      attachments: [{ filename: '日志收集工具.zip', contentType: 'application/zip', content: zip }],
    });
    expect(reply.payload.delivery).toMatchObject({ state: 'pending', summary: 'queued' });

    const sender = senderFor(sink.port);
    const round = await sender.runDue();
    await sender.stop();
    expect(round).toMatchObject({ claimed: 1, sent: 1 });
    expect(sink.accepted).toHaveLength(1);
    const got = sink.accepted[0];
    if (!got) throw new Error('nothing received');
    expect(got.from).toBe('support@vendor.example');
    expect(got.to.sort()).toEqual(['audit@vendor.example', 'wang.li@icbc.com.cn', 'win10@icbc.com.cn']);
    expect(got.raw.toString('latin1')).not.toMatch(/^bcc:/im);
    for (const line of got.raw.toString('latin1').split('\r\n')) expect(line.length).toBeLessThanOrEqual(998);

    const parsed = await parseMessage(got.raw);
    if (!parsed.ok) throw new Error(parsed.error);
    const mail = parsed.message;
    expect(mail.subject).toBe(
      `[案例号:\u2009${seeded.caseNumber}\u2009] %\u2009|P3|ICBC|补丁更新失败\u2009% 初次响应 ${seeded.trackingToken}`,
    );
    expect(parseSubject(mail.subject, { tokenPrefixes: ['CMIT'] })).toMatchObject({
      caseNumber: seeded.caseNumber,
      stage: '初次响应',
      trackingToken: seeded.trackingToken,
    });
    expect(mail.from).toEqual({ name: 'Li Qi', address: 'support@vendor.example' });
    expect(mail.cc).toEqual([{ name: 'win10升级支持', address: 'win10@icbc.com.cn' }]);
    expect(mail.messageId).toBe(reply.email?.messageId);
    expect(mail.messageId).toMatch(/^[0-9a-f-]{36}@vendor\.example$/);
    expect(mail.inReplyTo).toBe(customerMessageId);
    expect(mail.references).toEqual([threadRoot, customerMessageId]);
    expect(mail.text).toContain('请运行附件中的日志收集工具。');
    expect(mail.html).toContain('<p>您好，</p>');
    expect(mail.attachments.map((a) => [a.filename, a.contentType, a.size, a.sha256])).toEqual([
      ['日志收集工具.zip', 'application/zip', zip.length, createHash('sha256').update(zip).digest('hex')],
    ]);

    const detail = await getCaseDetail({ db: database.db, clock, trackingPrefix: 'CMIT' }, seeded.caseNumber);
    expect(detail.firstResponseAt).toBe(clock.now().toISOString());
    expect(detail.status).toBe('in_progress');
    expect(detail.stage).toBe('初次响应');
    const email = detail.timeline.find((a) => a.id === reply.id);
    expect(email?.email?.messageId).toBe(mail.messageId);
    expect(email?.email?.sentAt).not.toBeNull();
    expect(email?.payload.delivery).toMatchObject({
      state: 'sent',
      summary: expect.stringMatching(/^sent: 250 .*sink-0/),
    });
  });

  it('retries a 4xx answer with backoff and sends once when the server takes it', async () => {
    const seeded = await seedCase(database.db, clock, 'Jia Wei');
    const before = sink.received.length;
    answers = [{ accept: false, code: 451, message: '4.3.0 mailbox busy, try later' }];
    const reply = await sendCaseReply(deps(sink.port), seeded.actor, seeded.caseNumber, {
      to: ['wang.li@icbc.com.cn'],
      text: '跟进：请确认是否已安装 SSU。',
    });
    const sender = senderFor(sink.port);
    expect(await sender.runDue()).toMatchObject({ claimed: 1, retry: 1 });
    let [row] = await listOutbox(database.db, { limit: 1, caseId: seeded.caseId });
    expect(row).toMatchObject({ state: 'retry', attempts: 1 });
    expect(row?.nextAttemptAt.toISOString()).toBe(new Date(clock.now().getTime() + 30_000).toISOString());
    let detail = await getCaseDetail({ db: database.db, clock, trackingPrefix: 'CMIT' }, seeded.caseNumber);
    expect(detail.timeline.find((a) => a.id === reply.id)?.payload.delivery).toMatchObject({
      state: 'retry',
      summary: expect.stringContaining('451 4.3.0 mailbox busy'),
    });
    expect(await sender.runDue()).toMatchObject({ claimed: 0 }); // not due yet
    clock.advance(30_000);
    expect(await sender.runDue()).toMatchObject({ claimed: 1, sent: 1 });
    await sender.stop();
    [row] = await listOutbox(database.db, { limit: 1, caseId: seeded.caseId });
    expect(row).toMatchObject({ state: 'sent', attempts: 2 });
    const arrived = sink.accepted.filter((m) => m.raw.includes(row?.messageId ?? '?'));
    expect(arrived).toHaveLength(1);
    expect(sink.received.length - before).toBe(2); // the refused try and the accepted one
    detail = await getCaseDetail({ db: database.db, clock, trackingPrefix: 'CMIT' }, seeded.caseNumber);
    expect(detail.timeline.find((a) => a.id === reply.id)?.payload.delivery).toMatchObject({ state: 'sent' });
  });

  it('marks a 5xx answer failed with the server’s words, and does not try again', async () => {
    const seeded = await seedCase(database.db, clock, 'Zhou Min');
    answers = [{ accept: false, code: 550, message: '5.1.1 <nobody@icbc.com.cn>: mailbox unavailable' }];
    const reply = await sendCaseReply(deps(sink.port), seeded.actor, seeded.caseNumber, {
      to: ['nobody@icbc.com.cn'],
      text: 'hello',
    });
    const sender = senderFor(sink.port);
    expect(await sender.runDue()).toMatchObject({ failed: 1 });
    clock.advance(24 * 3_600_000);
    expect(await sender.runDue()).toMatchObject({ claimed: 0 });
    await sender.stop();
    const detail = await getCaseDetail({ db: database.db, clock, trackingPrefix: 'CMIT' }, seeded.caseNumber);
    expect(detail.timeline.find((a) => a.id === reply.id)?.payload.delivery).toMatchObject({
      state: 'failed',
      summary: 'failed: 550 5.1.1 <nobody@icbc.com.cn>: mailbox unavailable',
    });
  });

  it('retries when no server listens, and says so on the timeline', async () => {
    const seeded = await seedCase(database.db, clock, 'Sun Yu');
    const closed = await startSmtpSink();
    const port = closed.port;
    await closed.close();
    const reply = await sendCaseReply(deps(port), seeded.actor, seeded.caseNumber, {
      to: ['a@icbc.com.cn'],
      text: 'x',
    });
    const sender = senderFor(port);
    expect(await sender.runDue()).toMatchObject({ retry: 1 });
    await sender.stop();
    const detail = await getCaseDetail({ db: database.db, clock, trackingPrefix: 'CMIT' }, seeded.caseNumber);
    expect(detail.timeline.find((a) => a.id === reply.id)?.payload.delivery).toMatchObject({
      state: 'retry',
      summary: expect.stringMatching(/^retrying at .*ECONNREFUSED/),
    });
  });
});

describe('without an SMTP server configured', () => {
  it('keeps mail in the outbox, visibly not sent, and sends it once a server is configured', async () => {
    const seeded = await seedCase(database.db, clock, 'He Jun');
    const reply = await sendCaseReply(deps(null), seeded.actor, seeded.caseNumber, {
      to: ['wang.li@icbc.com.cn'],
      text: '请上传日志。',
    });
    expect(reply.payload.delivery).toMatchObject({
      state: 'pending',
      summary: 'not sent: no SMTP server configured',
    });
    const idle = senderFor(null);
    expect(await idle.runDue()).toMatchObject({ claimed: 0 });
    const before = sink.accepted.length;
    const sender = senderFor(sink.port);
    clock.advance(1000);
    const round = await sender.runDue();
    await sender.stop();
    expect(round.sent).toBeGreaterThanOrEqual(1);
    expect(
      sink.accepted.slice(before).filter((m) => m.raw.includes(reply.email?.messageId ?? '?')),
    ).toHaveLength(1);
    const detail = await getCaseDetail({ db: database.db, clock, trackingPrefix: 'CMIT' }, seeded.caseNumber);
    expect(detail.timeline.find((a) => a.id === reply.id)?.payload.delivery).toMatchObject({ state: 'sent' });
  });

  it('sends internal notices through the same outbox, marked auto-generated', async () => {
    const before = sink.accepted.length;
    const queued = await enqueueNotificationMail(deps(sink.port), {
      to: ['li.qi@vendor.example'],
      subject: 'SLA: CAS-04814-C9T9D0 follow-up due in 2 h',
      text: 'Follow up with ICBC today.',
    });
    const sender = senderFor(sink.port);
    await sender.runDue();
    await sender.stop();
    const got = sink.accepted.slice(before).find((m) => m.raw.includes(queued.messageId));
    const parsed = got ? await parseMessage(got.raw) : null;
    expect(parsed?.ok && parsed.message.subject).toBe('SLA: CAS-04814-C9T9D0 follow-up due in 2 h');
    expect(parsed?.ok && parsed.message.isAutoReply).toBe(true);
  });
});
