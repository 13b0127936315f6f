import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineer } from '../../src/auth/engineers.repo.js';
import { insertEmailActivity } from '../../src/cases/timeline.repo.js';
import { latestLinkToken, type PortalWorld, portalCookie, startPortalWorld } from './portal-support.js';

let w: PortalWorld;
let wang: { cookie: string };
let chen: { cookie: string };
const secrets = {
  note: 'INTERNAL-NOTE customer is difficult',
  transfer: 'TRANSFER-NOTE handing over before holiday',
  call: 'CALL-NOTE nobody picked up',
  bcc: 'boss.bcc@vendor.example',
  thirdParty: 'partner@microsoft.example',
  thirdPartyText: 'THIRD-PARTY asking Microsoft about the CBS store',
  statusNote: 'STATUS-NOTE waiting, do not chase',
};

async function signIn(email: string): Promise<{ cookie: string }> {
  await w.app.inject({ method: 'POST', url: '/api/v1/portal/auth/link', payload: { email } });
  const token = await latestLinkToken(w, email);
  const res = await w.app.inject({
    method: 'POST',
    url: '/api/v1/portal/auth/link/redeem',
    payload: { token },
  });
  expect(res.statusCode).toBe(200);
  return { cookie: portalCookie(res) };
}

const engineer = async (method: 'POST' | 'GET', url: string, payload?: object) => {
  const res = await w.app.inject({ method, url, headers: w.engineer, ...(payload ? { payload } : {}) });
  if (res.statusCode >= 300) throw new Error(`${method} ${url}: ${res.statusCode} ${res.body}`);
  return res.json();
};
const portal = (who: { cookie: string }, method: 'GET' | 'POST', url: string, payload?: object) =>
  w.app.inject({
    method,
    url: `/api/v1/portal${url}`,
    headers: { cookie: who.cookie },
    ...(payload ? { payload } : {}),
  });

beforeAll(async () => {
  w = await startPortalWorld();
  const caseA = await w.database.db
    .selectFrom('cases')
    .select('id')
    .where('number', '=', w.caseA)
    .executeTakeFirstOrThrow();
  await insertEmailActivity(w.database.db, {
    caseId: caseA.id,
    actor: { type: 'contact', id: w.contacts.wang.id, name: 'Wang Li' },
    occurredAt: new Date('2026-05-06T01:00:00Z'),
    email: {
      direction: 'inbound',
      from: { name: 'Wang Li', address: 'wang.li@icbc.com.cn' },
      to: [{ name: null, address: 'support@vendor.example' }],
      cc: [],
      subject: `[案例号: ${w.caseA}] 补丁更新失败`,
      text: 'KB5034441 安装失败，错误 0x80073712\n\n发件人: 张三\n发送时间: 2026年5月1日 10:00\n主题: 更新失败\n\n更早的内容',
      html: null,
      sentAt: new Date('2026-05-06T01:00:00Z'),
      messageId: 'first@mail.icbc.com.cn',
      inReplyTo: null,
      references: [],
      attachments: [],
    },
  });
  await engineer('POST', `/api/v1/cases/${w.caseA}/notes`, { text: secrets.note });
  await engineer('POST', `/api/v1/cases/${w.caseA}/calls`, { outcome: 'no_answer', note: secrets.call });
  await createEngineer(w.database.db, { name: 'Jia Wei', email: 'jia.wei@vendor.example' });
  await engineer('POST', `/api/v1/cases/${w.caseA}/transfer`, { to: 'Jia Wei', note: secrets.transfer });
  await engineer('POST', `/api/v1/cases/${w.caseA}/transfer`, { to: 'Li Qi', note: 'back' });
  await engineer('POST', `/api/v1/cases/${w.caseA}/replies`, {
    to: ['Wang Li <wang.li@icbc.com.cn>'],
    bcc: [secrets.bcc],
    text: 'Please run the collector attached.',
    attachments: [
      {
        filename: 'collector.ps1',
        contentType: 'text/plain',
        contentBase64: Buffer.from('Get-FileHash C:\\Windows').toString('base64'),
      },
    ],
  });
  await engineer('POST', `/api/v1/cases/${w.caseA}/replies`, {
    to: [secrets.thirdParty],
    text: secrets.thirdPartyText,
  });
  await engineer('POST', `/api/v1/cases/${w.caseA}/status`, {
    status: 'waiting_for_customer',
    note: secrets.statusNote,
  });
  await engineer('POST', `/api/v1/cases/${w.caseB}/replies`, {
    to: ['chen.jie@abchina.com'],
    text: 'ABC only',
    attachments: [
      {
        filename: 'abc.txt',
        contentType: 'text/plain',
        contentBase64: Buffer.from('abc').toString('base64'),
      },
    ],
  });
  wang = await signIn('wang.li@icbc.com.cn');
  chen = await signIn('chen.jie@abchina.com');
});
afterAll(async () => {
  await w.close();
});

describe('portal cases of the own account only', () => {
  it("lists the account's cases and never another account's", async () => {
    const a = (await portal(wang, 'GET', '/cases?state=all')).json();
    expect(a.items.map((c: { number: string }) => c.number)).toEqual([w.caseA]);
    const b = (await portal(chen, 'GET', '/cases?state=all')).json();
    expect(b.items.map((c: { number: string }) => c.number)).toEqual([w.caseB]);
    const closed = (await portal(wang, 'GET', '/cases?state=closed')).json();
    expect(closed.items).toEqual([]);
  });

  it("answers another account's case exactly like a missing one, on every route", async () => {
    const missing = 'CAS-99999-ZZZZZZ';
    const pairs: [string, 'GET' | 'POST', object | undefined][] = [
      ['', 'GET', undefined],
      ['/replies', 'POST', { text: 'hello' }],
      ['/upload-access', 'POST', undefined],
      ['/uploads', 'GET', undefined],
      [`/uploads/some-upload`, 'GET', undefined],
      [`/emails/00000000-0000-4000-8000-000000000000/files/${'a'.repeat(64)}`, 'GET', undefined],
    ];
    for (const [suffix, method, body] of pairs) {
      const other = await portal(wang, method, `/cases/${w.caseB}${suffix}`, body);
      const none = await portal(wang, method, `/cases/${missing}${suffix}`, body);
      expect(other.statusCode, suffix).toBe(404);
      expect(other.json().code).toBe(none.json().code);
      expect(other.json().detail.replace(w.caseB, 'X')).toBe(none.json().detail.replace(missing, 'X'));
    }
    // B's real attachment, asked for through B's own URL by A's contact: still 404.
    const bCase = (await portal(chen, 'GET', `/cases/${w.caseB}`)).json();
    const url = bCase.timeline.find((i: { kind: string }) => i.kind === 'email').attachments[0].url as string;
    expect((await w.app.inject({ method: 'GET', url, headers: { cookie: chen.cookie } })).statusCode).toBe(
      200,
    );
    expect((await w.app.inject({ method: 'GET', url, headers: { cookie: wang.cookie } })).statusCode).toBe(
      404,
    );
  });

  it('shows the customer mail and replies, never notes, calls, transfers, BCC or third-party mail', async () => {
    const res = await portal(wang, 'GET', `/cases/${w.caseA}`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    const json = JSON.stringify(body);
    for (const secret of Object.values(secrets)) expect(json).not.toContain(secret);
    expect(json).not.toContain('Jia Wei');
    const emails = body.timeline.filter((i: { kind: string }) => i.kind === 'email');
    expect(emails).toHaveLength(2);
    expect(emails[0]).toMatchObject({
      direction: 'inbound',
      text: 'KB5034441 安装失败，错误 0x80073712',
      quoted: expect.stringContaining('发件人: 张三'),
    });
    expect(emails[1]).toMatchObject({ direction: 'outbound', text: 'Please run the collector attached.' });
    expect(body.timeline.map((i: { kind: string }) => i.kind)).toEqual(
      expect.arrayContaining(['opened', 'email', 'status']),
    );
    const status = body.timeline.find((i: { kind: string; to?: string }) => i.to === 'waiting_for_customer');
    expect(Object.keys(status).sort()).toEqual(['from', 'id', 'kind', 'occurredAt', 'to']);
    const attachment = emails[1].attachments[0];
    expect(attachment).toMatchObject({ filename: 'collector.ps1', size: 23 });
    const download = await w.app.inject({
      method: 'GET',
      url: attachment.url,
      headers: { cookie: wang.cookie },
    });
    expect(download.statusCode).toBe(200);
    expect(download.body).toBe('Get-FileHash C:\\Windows');
    expect(download.headers['content-disposition']).toMatch(/^attachment/);
  });

  it('a reply moves a waiting case to in progress and notifies the owner', async () => {
    const res = await portal(wang, 'POST', `/cases/${w.caseA}/replies`, { text: '日志已经上传，请查看。' });
    expect(res.statusCode).toBe(201);
    expect(res.json().status).toBe('in_progress');
    const kase = await engineer('GET', `/api/v1/cases/${w.caseA}`);
    expect(kase.status).toBe('in_progress');
    const last = kase.timeline.filter((a: { type: string }) => a.type === 'email').at(-1);
    expect(last.email).toMatchObject({ direction: 'inbound', text: '日志已经上传，请查看。' });
    expect(last.actor).toMatchObject({ type: 'contact', name: 'Wang Li' });
    const notes = await engineer('GET', '/api/v1/notifications');
    const list = Array.isArray(notes) ? notes : notes.items;
    expect(list).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ kind: 'portal.customer_reply', caseNumber: w.caseA }),
      ]),
    );
    const again = (await portal(wang, 'GET', `/cases/${w.caseA}`)).json();
    expect(again.timeline.at(-2)).toMatchObject({ kind: 'email', text: '日志已经上传，请查看。' });
    expect(again.timeline.at(-1)).toMatchObject({
      kind: 'status',
      from: 'waiting_for_customer',
      to: 'in_progress',
    });
    const empty = await portal(wang, 'POST', `/cases/${w.caseA}/replies`, { text: '   ' });
    expect(empty.statusCode).toBe(400);
  });

  it('upload access opens a workspace once and signs the browser in to the upload page', async () => {
    const first = await portal(wang, 'POST', `/cases/${w.caseA}/upload-access`);
    expect(first.statusCode).toBe(200);
    const access = first.json();
    expect(access).toMatchObject({
      user: 'ICBC001',
      uploadUrl: 'https://desk.vendor.example/upload/?user=ICBC001',
    });
    expect(access.password).toMatch(/^[a-z2-9]{4}(-[a-z2-9]{4}){4}$/);
    const cookie = first.cookies.find((c) => c.name === 'casedesk_upload');
    expect(cookie?.path).toBe('/upload');
    const session = await w.app.inject({
      method: 'GET',
      url: '/upload/api/session',
      headers: { cookie: `casedesk_upload=${cookie?.value}` },
    });
    expect(session.statusCode).toBe(200);
    expect(session.json()).toMatchObject({ user: 'ICBC001', caseNumber: w.caseA });
    const password = await w.app.inject({
      method: 'POST',
      url: '/upload/api/login',
      payload: { user: 'ICBC001', password: access.password },
    });
    expect(password.statusCode).toBe(200);
    expect((await portal(wang, 'GET', `/cases/${w.caseA}/uploads`)).json()).toEqual([]);
    const second = (await portal(wang, 'POST', `/cases/${w.caseA}/upload-access`)).json();
    expect(second).toMatchObject({ user: 'ICBC001', password: null });
  });

  it('a closed case takes no portal message', async () => {
    await engineer('POST', `/api/v1/cases/${w.caseB}/status`, { status: 'closed' });
    const res = await portal(chen, 'POST', `/cases/${w.caseB}/replies`, { text: 'one more thing' });
    expect(res.statusCode).toBe(409);
    expect(res.json().code).toBe('portal.case_closed');
    const closed = (await portal(chen, 'GET', '/cases?state=closed')).json();
    expect(closed.items.map((c: { number: string }) => c.number)).toEqual([w.caseB]);
  });
});
