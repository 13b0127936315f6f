import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngineer } from '../src/auth/engineers.repo.js';
import { fixedClock } from '../src/platform/clock.js';
import { loadConfig } from '../src/platform/config.js';
import { createLocalFileStore } from '../src/platform/files/file-store.js';
import { buildApp } from '../src/platform/http/app.js';
import { openTestDatabase, type TestDatabase } from './support/test-db.js';

let database: TestDatabase;
let app: FastifyInstance;
let cookie = '';

beforeAll(async () => {
  database = await openTestDatabase();
  const config = loadConfig({}, { trackingPrefix: 'CMIT' });
  const files = createLocalFileStore(mkdtempSync(join(tmpdir(), 'cd-api-')));
  app = await buildApp({ db: database.db, clock: fixedClock('2026-05-06T02:00:00Z'), config, files });
  await createEngineer(database.db, {
    name: 'Li Qi',
    email: 'li.qi@example.com',
    role: 'admin',
    password: 'correct horse',
  });
  await createEngineer(database.db, { name: 'Jia Wei', password: 'battery staple' });
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

const authed = (extra: Record<string, string> = {}) => ({ cookie, ...extra });

describe('REST API', () => {
  it('refuses everything but sign-in without auth, as problem+json', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/v1/cases' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ status: 401, code: 'auth.required' });
  });

  it('rejects a wrong password without saying which part was wrong', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'li.qi@example.com', password: 'nope' },
    });
    expect(res.statusCode).toBe(401);
    expect(res.json().detail).toBe('Wrong name/email or password');
  });

  it('signs in with a session cookie', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'li.qi@example.com', password: 'correct horse' },
    });
    expect(res.statusCode).toBe(200);
    const setCookie = String(res.headers['set-cookie']);
    expect(setCookie).toContain('HttpOnly');
    cookie = setCookie.split(';')[0] ?? '';
    const me = await app.inject({ method: 'GET', url: '/api/v1/auth/me', headers: authed() });
    expect(me.json()).toMatchObject({ name: 'Li Qi', role: 'admin' });
  });

  it('creates accounts, contacts and a case, and works it through its timeline', async () => {
    const account = await app.inject({
      method: 'POST',
      url: '/api/v1/accounts',
      headers: authed(),
      payload: {
        name: 'ICBC',
        fullName: 'Industrial and Commercial Bank of China',
        domains: ['ICBC.com.cn'],
      },
    });
    expect(account.statusCode).toBe(201);
    expect(account.json().domains).toEqual(['icbc.com.cn']);
    const contact = await app.inject({
      method: 'POST',
      url: '/api/v1/contacts',
      headers: authed(),
      payload: { account: 'ICBC', name: '徐先生', email: 'xu@icbc.com.cn' },
    });
    expect(contact.statusCode).toBe(201);

    const created = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: authed(),
      payload: {
        title: '补丁更新失败',
        account: 'ICBC',
        priority: 'P3',
        owner: 'Li Qi',
        contactIds: [contact.json().id],
      },
    });
    expect(created.statusCode).toBe(201);
    const number: string = created.json().number;
    expect(number).toMatch(/^CAS-\d{5}-[0-9A-Z]{6}$/);
    expect(created.json().trackingToken).toMatch(/^CMIT:\d{7}$/);
    expect(created.json().participants).toMatchObject([{ name: '徐先生' }]);

    const steps = [
      { url: `/api/v1/cases/${number}/transfer`, payload: { to: 'Jia Wei', note: '请假一周' } },
      { url: `/api/v1/cases/${number}/calls`, payload: { outcome: 'no_answer', note: '电话未能联系到您' } },
      { url: `/api/v1/cases/${number}/notes`, payload: { text: 'Waiting for logs' } },
      { url: `/api/v1/cases/${number}/status`, payload: { status: 'waiting_for_customer' } },
    ];
    for (const step of steps) {
      const res = await app.inject({ method: 'POST', headers: authed(), ...step });
      expect(res.statusCode, step.url).toBeLessThan(300);
    }
    const patched = await app.inject({
      method: 'PATCH',
      url: `/api/v1/cases/${number}`,
      headers: authed(),
      payload: { stage: '日志分析', priority: 'P2' },
    });
    expect(patched.json()).toMatchObject({ stage: '日志分析', priority: 'P2' });

    const got = await app.inject({ method: 'GET', url: `/api/v1/cases/${number}`, headers: authed() });
    expect(got.statusCode).toBe(200);
    const body = got.json();
    expect(body).toMatchObject({ owner: { name: 'Jia Wei' }, status: 'waiting_for_customer' });
    expect(body.timeline.map((a: { type: string }) => a.type)).toEqual([
      'system',
      'transfer',
      'call',
      'note',
      'status_change',
      'system',
    ]);
  });

  it('lists and filters cases', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/api/v1/cases?status=waiting_for_customer,in_progress&account=ICBC&q=补丁',
      headers: authed(),
    });
    expect(res.statusCode).toBe(200);
    expect(res.json().items.map((c: { title: string }) => c.title)).toEqual(['补丁更新失败']);
    const none = await app.inject({ method: 'GET', url: '/api/v1/cases?owner=none', headers: authed() });
    expect(none.json().items).toEqual([]);
  });

  it('explains invalid input field by field', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/cases',
      headers: authed(),
      payload: { title: '', priority: 'P9' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().code).toBe('request.invalid');
    expect(res.json().detail).toMatch(/priority/);
    const missing = await app.inject({
      method: 'GET',
      url: '/api/v1/cases/CAS-00000-ZZZZZZ',
      headers: authed(),
    });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().code).toBe('case.not_found');
  });

  it('issues API tokens that work as bearer auth', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/tokens',
      headers: authed(),
      payload: { name: 'ci' },
    });
    expect(res.statusCode).toBe(201);
    const { token } = res.json();
    const me = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: `Bearer ${token}` },
    });
    expect(me.json().name).toBe('Li Qi');
    const bad = await app.inject({
      method: 'GET',
      url: '/api/v1/auth/me',
      headers: { authorization: 'Bearer cdt_wrong' },
    });
    expect(bad.statusCode).toBe(401);
  });

  it('lets only admins add engineers', async () => {
    const login = await app.inject({
      method: 'POST',
      url: '/api/v1/auth/login',
      payload: { login: 'Jia Wei', password: 'battery staple' },
    });
    const jiaCookie = String(login.headers['set-cookie']).split(';')[0] ?? '';
    const res = await app.inject({
      method: 'POST',
      url: '/api/v1/engineers',
      headers: { cookie: jiaCookie },
      payload: { name: 'Mallory' },
    });
    expect(res.statusCode).toBe(403);
    const ok = await app.inject({
      method: 'POST',
      url: '/api/v1/engineers',
      headers: authed(),
      payload: { name: 'Wang Wu' },
    });
    expect(ok.statusCode).toBe(201);
  });

  it('publishes its OpenAPI document and readable docs', async () => {
    const res = await app.inject({ method: 'GET', url: '/api/openapi.json' });
    expect(res.statusCode).toBe(200);
    const doc = res.json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/cases',
        '/api/v1/cases/{caseNumber}',
        '/api/v1/cases/{caseNumber}/transfer',
      ]),
    );
    const docs = await app.inject({ method: 'GET', url: '/api/docs/' });
    expect(docs.statusCode).toBe(200);
    expect(docs.body).toContain('swagger');
  });
});
