import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildApp } from '../../src/platform/http/app.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { customerMail, importSeed, SEED, testAppDeps } from './workflow-support.js';

let database: TestDatabase;
let app: FastifyInstance;
let admin = '';
let engineer = '';
let xuContactId = '';
let deps: ReturnType<typeof testAppDeps>;

async function login(name: string, password: string): Promise<string> {
  const res = await app.inject({
    method: 'POST',
    url: '/api/v1/auth/login',
    payload: { login: name, password },
  });
  return String(res.headers['set-cookie']).split(';')[0] ?? '';
}

const call = (
  cookie: string,
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE',
  url: string,
  payload?: object,
) => app.inject({ method, url: `/api/v1${url}`, headers: { cookie }, ...(payload ? { payload } : {}) });

beforeAll(async () => {
  database = await openTestDatabase();
  deps = testAppDeps(database, '2021-11-05T02:00:00Z');
  ({ xuContactId } = await importSeed(deps));
  app = await buildApp(deps);
  admin = await login('Li Qi', 'correct horse');
  engineer = await login('Jia Wei', 'battery staple');
});
afterAll(async () => {
  await app.close();
  await database.drop();
});

describe('templates API', () => {
  it('lists the built-ins and the variables to everyone', async () => {
    const list = await call(engineer, 'GET', '/templates?locale=en');
    expect(list.statusCode).toBe(200);
    expect(
      list
        .json()
        .items.map((t: { key: string }) => t.key)
        .sort(),
    ).toEqual([
      'closure_summary',
      'follow_up_no_answer',
      'log_collection',
      'remediation_steps',
      'scope_agreement',
    ]);
    const vars = await call(engineer, 'GET', '/templates/variables');
    expect(vars.json().items.map((v: { name: string }) => v.name)).toContain('uploadPassword');
  });

  it('lets only admins change templates', async () => {
    const payload = {
      key: 'remote_session',
      locale: 'en',
      name: 'Remote session',
      body: 'Case {{caseNumber}}: join at {{uploadUrl}}',
    };
    expect((await call(engineer, 'POST', '/templates', payload)).statusCode).toBe(403);
    expect((await call(engineer, 'PATCH', '/templates/closure_summary/en', { body: 'x' })).statusCode).toBe(
      403,
    );
    const created = await call(admin, 'POST', '/templates', payload);
    expect(created.statusCode).toBe(201);
    expect(created.json()).toMatchObject({ builtIn: false, variables: ['caseNumber', 'uploadUrl'] });
    const typo = await call(admin, 'PATCH', '/templates/remote_session/en', { body: '{{casenumber}}' });
    expect(typo.statusCode).toBe(400);
    expect(typo.headers['content-type']).toContain('application/problem+json');
    expect(typo.json()).toMatchObject({ code: 'template.unknown_variables', unknown: ['casenumber'] });
    expect((await call(admin, 'DELETE', '/templates/scope_agreement/en')).statusCode).toBe(400);
    expect((await call(admin, 'DELETE', '/templates/remote_session/en')).statusCode).toBe(204);
  });

  it('renders a template with a case and reports the missing variables', async () => {
    const res = await call(engineer, 'POST', '/templates/log_collection/en/render', {
      caseNumber: SEED,
      variables: { uploadUser: 'ICBC001' },
    });
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({ missing: ['uploadUrl', 'uploadPassword'], stage: 'Log collection' });
    expect(res.json().text).toContain('User name: ICBC001');
    expect(res.json().text).toContain('Dear 徐先生');
    expect(res.json().text).toContain('Jia Wei');
    const bad = await call(engineer, 'POST', '/templates/log_collection/en/render', {
      variables: { nope: 'x' },
    });
    expect(bad.statusCode).toBe(400);
  });

  it('fills the log-collection request with a new upload workspace of the case', async () => {
    const res = await call(engineer, 'POST', '/templates/log_collection/en/render', {
      caseNumber: SEED,
      openUploadWorkspace: true,
    });
    expect(res.statusCode).toBe(200);
    const { text, missing, values } = res.json();
    expect(missing).toEqual([]);
    expect(values.uploadUser).toMatch(/^ICBC\d{3}$/);
    expect(values.uploadPassword.length).toBeGreaterThanOrEqual(12);
    expect(text).toContain(`User name: ${values.uploadUser}`);
    expect(text).toContain(values.uploadPassword);
    expect(text).toContain(values.uploadUrl);
    // The workspace now exists on the case; a later render names it but cannot show the password again.
    const workspaces = await call(engineer, 'GET', `/cases/${SEED}/upload-workspaces`);
    expect(workspaces.json().map((w: { user: string }) => w.user)).toContain(values.uploadUser);
    const later = await call(engineer, 'POST', '/templates/log_collection/en/render', { caseNumber: SEED });
    expect(later.json()).toMatchObject({
      missing: ['uploadPassword'],
      values: { uploadUser: values.uploadUser },
    });
  });
});

describe('case workflow API', () => {
  it('records the scope, shows it with the case, and mails it as the first response', async () => {
    const bad = await call(admin, 'PUT', `/cases/${SEED}/scope`, {
      problemDefinition: 'x',
      scope: 'y',
      closureConditions: [],
      contactChannels: ['fax'],
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().detail).toMatch(/closureConditions/);
    const put = await call(admin, 'PUT', `/cases/${SEED}/scope`, {
      problemDefinition: 'Patches KB5004244, KB5003646 and KB5003171 fail to install.',
      scope: 'Find why the patches fail and how to install them.',
      closureConditions: ['solved', 'by_design', 'third_party'],
      cadenceBusinessDays: 2,
      contactChannels: ['email', 'phone'],
      hotline: '400-818-0055',
      locale: 'en',
    });
    expect(put.statusCode).toBe(200);
    const detail = await call(engineer, 'GET', `/cases/${SEED}`);
    expect(detail.json().scope).toMatchObject({ cadenceBusinessDays: 2, locale: 'en', updatedBy: 'Li Qi' });
    const sent = await call(admin, 'POST', `/cases/${SEED}/scope/send`, {});
    expect(sent.statusCode).toBe(201);
    expect(sent.json().text).toContain('every 2 business day(s)');
    expect((await call(admin, 'GET', `/cases/${SEED}/scope`)).json().sentActivityId).toBe(
      sent.json().activityId,
    );
    const sla = await call(admin, 'GET', `/cases/${SEED}/sla`);
    expect(sla.json().cadence).toMatchObject({ businessDays: 2, source: 'engineer' });
  });

  it('drafts the closure summary, closes with consent, mails the summary, and reopens', async () => {
    const consent = await customerMail(deps, SEED, {
      text: 'It works now, please close the case.',
      at: '2021-11-04T02:00:00Z',
      contactId: xuContactId,
    });
    const draft = await call(admin, 'POST', `/cases/${SEED}/closure/draft`, { reason: 'solved' });
    expect(draft.statusCode).toBe(200);
    expect(draft.json()).toMatchObject({
      missing: ['rootCause'],
      facts: { sources: { problemDescription: 'scope' } },
    });
    const noConsent = await call(admin, 'POST', `/cases/${SEED}/close`, { reason: 'solved', summary: 'x' });
    expect(noConsent.json()).toMatchObject({ status: 400, code: 'closure.consent_required' });
    const closed = await call(admin, 'POST', `/cases/${SEED}/close`, {
      reason: 'solved',
      consentActivityId: consent,
      rootCause: 'A manifest in the component store had the wrong hash.',
      fix: 'Replacing the manifest let the update install.',
      send: {},
    });
    expect(closed.statusCode).toBe(200);
    const { closure, summaryActivityId } = closed.json();
    expect(closure).toMatchObject({ reason: 'solved', consentActivityId: consent, closedBy: 'Li Qi' });
    const caseNow = (await call(admin, 'GET', `/cases/${SEED}`)).json();
    expect(caseNow.status).toBe('closed');
    const mail = caseNow.timeline.find((a: { id: string }) => a.id === summaryActivityId);
    expect(mail.email.text).toContain('Root cause\nA manifest in the component store had the wrong hash.');
    expect(mail.email.subject).toContain('Closure');
    expect(mail.email.to).toEqual([{ name: '徐先生', address: 'xu@icbc.com.cn' }]);

    expect((await call(admin, 'POST', `/cases/${SEED}/reopen`, { reason: '' })).statusCode).toBe(400);
    const reopened = await call(engineer, 'POST', `/cases/${SEED}/reopen`, {
      reason: 'Another PC fails the same way',
    });
    expect(reopened.statusCode).toBe(200);
    expect(reopened.json().status).toBe('in_progress');
    const closures = (await call(admin, 'GET', `/cases/${SEED}/closures`)).json().items;
    expect(closures[0]).toMatchObject({
      reopenedBy: 'Jia Wei',
      reopenReason: 'Another PC fails the same way',
    });
  });

  it('splits a case from chosen mails and merges it back', async () => {
    const timeline = (await call(admin, 'GET', `/cases/${SEED}`)).json().timeline;
    const thirdParty = timeline
      .filter((a: { actor: { name: string } }) => a.actor.name === 'win10升级支持')
      .map((a: { id: string }) => a.id);
    const split = await call(admin, 'POST', `/cases/${SEED}/split`, {
      activityIds: thirdParty,
      title: 'Domain rights',
    });
    expect(split.statusCode).toBe(201);
    const child = split.json().child;
    const links = await call(admin, 'GET', `/cases/${child}/links`);
    expect(links.json()).toMatchObject({
      mergedInto: null,
      items: [{ kind: 'split', direction: 'from', caseNumber: SEED }],
    });
    const merged = await call(admin, 'POST', `/cases/${child}/merge`, { into: SEED });
    expect(merged.statusCode).toBe(200);
    expect(merged.json()).toMatchObject({ merged: child, into: SEED });
    const after = await call(admin, 'GET', `/cases/${child}/links`);
    expect(after.json().mergedInto).toBe(SEED);
    expect(after.json().items.map((l: { kind: string }) => l.kind)).toEqual(['split', 'merged']);
    const again = await call(admin, 'POST', `/cases/${child}/merge`, { into: SEED });
    expect(again.statusCode).toBe(409);
  });

  it('appears in the OpenAPI document', async () => {
    const doc = (await app.inject({ method: 'GET', url: '/api/openapi.json' })).json();
    expect(Object.keys(doc.paths)).toEqual(
      expect.arrayContaining([
        '/api/v1/cases/{caseNumber}/scope',
        '/api/v1/cases/{caseNumber}/close',
        '/api/v1/cases/{caseNumber}/merge',
        '/api/v1/templates/{key}/{locale}/render',
      ]),
    );
  });
});
