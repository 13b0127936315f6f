import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { latestLinkToken, type PortalWorld, portalCookie, startPortalWorld } from './portal-support.js';

let w: PortalWorld;
beforeAll(async () => {
  w = await startPortalWorld();
});
afterAll(async () => {
  await w.close();
});

const outboxCount = async () =>
  Number(
    (
      await w.database.db
        .selectFrom('mail_outbox')
        .select((eb) => eb.fn.countAll<number>().as('n'))
        .executeTakeFirstOrThrow()
    ).n,
  );
// Each request from its own address, so the per-address rate limit is tested on its own.
let nextAddress = 1;
const requestLink = (email: string, locale?: 'zh-CN' | 'en', remoteAddress = `10.0.0.${nextAddress++}`) =>
  w.app.inject({
    method: 'POST',
    url: '/api/v1/portal/auth/link',
    remoteAddress,
    payload: { email, ...(locale ? { locale } : {}) },
  });
const passwordLogin = (email: string, password: string) =>
  w.app.inject({ method: 'POST', url: '/api/v1/portal/auth/login', payload: { email, password } });
const engineerPut = (what: 'password' | 'access', payload: object) =>
  w.app.inject({
    method: 'PUT',
    url: `/api/v1/contacts/${w.contacts.chen.id}/portal-${what}`,
    headers: w.engineer,
    payload,
  });
const redeem = (token: string) =>
  w.app.inject({ method: 'POST', url: '/api/v1/portal/auth/link/redeem', payload: { token } });

describe('sign-in by link', () => {
  it('mails a one-time link to a known contact, through the outbox, in the asked language', async () => {
    const before = await outboxCount();
    const res = await requestLink('Wang.Li@ICBC.com.cn', 'zh-CN');
    expect(res.statusCode).toBe(202);
    expect(res.json()).toEqual({ accepted: true });
    expect(await outboxCount()).toBe(before + 1);
    const mail = await w.database.db
      .selectFrom('mail_outbox')
      .select(['subject', 'text_body', 'kind'])
      .orderBy('created_at', 'desc')
      .executeTakeFirstOrThrow();
    expect(mail.subject).toBe('CaseDesk 客户门户登录链接');
    expect(mail.text_body).toMatch(/https:\/\/desk\.vendor\.example\/portal\/sign-in\?token=cdl_/);
    expect(mail.text_body).toContain('30 分钟内有效');
  });

  it('answers an unknown address exactly like a known one and sends nothing', async () => {
    const before = await outboxCount();
    const known = await requestLink('zhao.min@icbc.com.cn');
    const unknown = await requestLink('nobody@icbc.com.cn');
    expect(unknown.statusCode).toBe(known.statusCode);
    expect(unknown.body).toBe(known.body);
    expect(await outboxCount()).toBe(before + 1);
  });

  it('signs in once with the link; a second use is refused', async () => {
    const token = await latestLinkToken(w, 'wang.li@icbc.com.cn');
    expect(token).toBeTruthy();
    const first = await redeem(token as string);
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ name: 'Wang Li', account: 'ICBC', hasPassword: false });
    const me = await w.app.inject({
      method: 'GET',
      url: '/api/v1/portal/me',
      headers: { cookie: portalCookie(first) },
    });
    expect(me.json()).toMatchObject({ email: 'wang.li@icbc.com.cn' });
    const again = await redeem(token as string);
    expect(again.statusCode).toBe(401);
    expect(again.json().code).toBe('portal.link_invalid');
  });

  it('refuses a link after 30 minutes', async () => {
    await requestLink('chen.jie@abchina.com', 'en');
    const token = (await latestLinkToken(w, 'chen.jie@abchina.com')) as string;
    w.clock.advance(31 * 60_000);
    const late = await redeem(token);
    expect(late.statusCode).toBe(401);
    expect(late.json().code).toBe('portal.link_invalid');
  });

  it('sends at most three links a quarter hour to one contact', async () => {
    w.clock.advance(60 * 60_000);
    const before = await outboxCount();
    for (let i = 0; i < 5; i++) await requestLink('zhao.min@icbc.com.cn');
    expect(await outboxCount()).toBe(before + 3);
  });

  it('limits link requests per address', async () => {
    const codes: number[] = [];
    for (let i = 0; i < 7; i++)
      codes.push((await requestLink(`x${i}@nowhere.example`, 'en', '10.9.9.9')).statusCode);
    expect(codes.slice(0, 5)).toEqual([202, 202, 202, 202, 202]);
    expect(codes.slice(5)).toEqual([429, 429]);
  });
});

describe('sign-in by password', () => {
  it('engineer sets a first password; wrong password and unknown email are both 401', async () => {
    const set = await engineerPut('password', { password: 'chen-first-password' });
    expect(set.statusCode).toBe(204);
    const weak = await engineerPut('password', { password: 'short' });
    expect(weak.statusCode).toBe(400);
    const wrong = await passwordLogin('chen.jie@abchina.com', 'not-the-password');
    const unknown = await passwordLogin('ghost@abchina.com', 'chen-first-password');
    expect(wrong.statusCode).toBe(401);
    expect(unknown.statusCode).toBe(401);
    expect(unknown.json().code).toBe(wrong.json().code);
    const ok = await passwordLogin('chen.jie@abchina.com', 'chen-first-password');
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toMatchObject({ account: 'ABC', hasPassword: true });
  });

  it('a signed-in contact changes their own password', async () => {
    const ok = await passwordLogin('chen.jie@abchina.com', 'chen-first-password');
    const cookie = portalCookie(ok);
    const change = await w.app.inject({
      method: 'PUT',
      url: '/api/v1/portal/password',
      headers: { cookie },
      payload: { password: 'chen-second-password' },
    });
    expect(change.statusCode).toBe(204);
    const old = await passwordLogin('chen.jie@abchina.com', 'chen-first-password');
    expect(old.statusCode).toBe(401);
  });
});

describe('separate principals', () => {
  it('a portal session reaches nothing outside /api/v1/portal, and engineer credentials nothing inside', async () => {
    const signIn = await passwordLogin('chen.jie@abchina.com', 'chen-second-password');
    const cookie = portalCookie(signIn);
    for (const url of ['/api/v1/cases', `/api/v1/cases/${w.caseB}`, '/api/v1/auth/me', '/api/v1/contacts']) {
      const res = await w.app.inject({ method: 'GET', url, headers: { cookie } });
      expect(res.statusCode, url).toBe(401);
    }
    // The cookie is scoped to the portal API; even sent elsewhere by hand it is not an engineer session.
    expect(signIn.cookies.find((c) => c.name === 'casedesk_portal')?.path).toBe('/api/v1/portal');
    const asEngineerCookie = await w.app.inject({
      method: 'GET',
      url: '/api/v1/cases',
      headers: { cookie: cookie.replace('casedesk_portal', 'casedesk_session') },
    });
    expect(asEngineerCookie.statusCode).toBe(401);

    const bearer = await w.app.inject({ method: 'GET', url: '/api/v1/portal/cases', headers: w.engineer });
    expect(bearer.statusCode).toBe(401);
  });

  it('an engineer session cookie is refused on portal routes', async () => {
    await w.database.db
      .updateTable('engineers')
      .set({
        password_hash: await (await import('../../src/auth/passwords.js')).hashPassword('engineer-pass-1'),
      })
      .where('id', '=', w.ownerId)
      .execute();
    const login = await w.app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'Li Qi', password: 'engineer-pass-1' },
    });
    expect(login.statusCode).toBe(200);
    const session = login.cookies.find((c) => c.name === 'casedesk_session')?.value as string;
    for (const cookie of [`casedesk_session=${session}`, `casedesk_portal=${session}`]) {
      const res = await w.app.inject({ method: 'GET', url: '/api/v1/portal/cases', headers: { cookie } });
      expect(res.statusCode).toBe(401);
    }
  });

  it('disabling a contact ends its session at once and stops link mail', async () => {
    const signIn = await passwordLogin('chen.jie@abchina.com', 'chen-second-password');
    const cookie = portalCookie(signIn);
    const off = await engineerPut('access', { enabled: false });
    expect(off.statusCode).toBe(204);
    const me = await w.app.inject({ method: 'GET', url: '/api/v1/portal/me', headers: { cookie } });
    expect(me.statusCode).toBe(401);
    w.clock.advance(60 * 60_000);
    const before = await outboxCount();
    expect((await requestLink('chen.jie@abchina.com')).statusCode).toBe(202);
    expect(await outboxCount()).toBe(before);
    const invite = await w.app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${w.contacts.chen.id}/portal-invite`,
      headers: w.engineer,
    });
    expect(invite.statusCode).toBe(400);
    const access = await w.app.inject({
      method: 'GET',
      url: '/api/v1/accounts/ABC/portal-access',
      headers: w.engineer,
    });
    expect(access.json()).toEqual([
      { contactId: w.contacts.chen.id, canSignIn: false, hasPassword: true, disabled: true },
    ]);
    await engineerPut('access', { enabled: true });
    const invited = await w.app.inject({
      method: 'POST',
      url: `/api/v1/contacts/${w.contacts.chen.id}/portal-invite`,
      headers: w.engineer,
      payload: { locale: 'en' },
    });
    expect(invited.statusCode).toBe(202);
    expect(invited.json().email).toBe('chen.jie@abchina.com');
  });
});
