import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openTestDatabase, type TestDatabase } from '../../test/support/test-db.js';
import { createAccount } from '../accounts/accounts.repo.js';
import { createEngineer } from '../auth/engineers.repo.js';
import { fixedClock } from '../platform/clock.js';
import { isCaseNumber } from './case-number.js';
import { listCases } from './cases.repo.js';
import {
  addNote,
  type CaseDeps,
  changeStatus,
  createCase,
  engineerActor,
  getCaseDetail,
  logCall,
  transferOwner,
  updateCaseFields,
} from './cases.service.js';

let database: TestDatabase;
let deps: CaseDeps;
const clock = fixedClock('2026-03-02T01:00:00Z');

beforeAll(async () => {
  database = await openTestDatabase();
  deps = { db: database.db, clock, trackingPrefix: 'CMIT' };
  await createAccount(database.db, { name: 'ICBC', domains: ['icbc.com.cn'] });
  await createEngineer(database.db, { name: 'Li Qi', email: 'li.qi@example.com', role: 'engineer' });
  await createEngineer(database.db, { name: 'Jia Wei', email: 'jia.wei@example.com' });
});
afterAll(async () => database.drop());

describe('case lifecycle', () => {
  it('creates a case with a number, a token and an opening entry', async () => {
    const li = { id: 'x', name: 'Li Qi' };
    const c = await createCase(
      deps,
      { type: 'system', id: null, name: 'test' },
      {
        title: '补丁更新失败',
        account: 'ICBC',
        priority: 'P3',
        owner: li.name,
        stage: '初次响应',
      },
    );
    expect(isCaseNumber(c.number)).toBe(true);
    expect(c.trackingToken).toMatch(/^CMIT:\d{7}$/);
    expect(c).toMatchObject({
      title: '补丁更新失败',
      account: 'ICBC',
      priority: 'P3',
      status: 'new',
      owner: { name: 'Li Qi' },
    });
    expect(c.timeline.map((a) => a.type)).toEqual(['system']);
  });

  it('never hands out the same number or token twice, even when created concurrently', async () => {
    const actor = { type: 'system' as const, id: null, name: 'test' };
    const created = await Promise.all(
      Array.from({ length: 25 }, (_, i) => createCase(deps, actor, { title: `case ${i}`, account: 'ICBC' })),
    );
    expect(new Set(created.map((c) => c.number)).size).toBe(25);
    expect(new Set(created.map((c) => c.trackingToken)).size).toBe(25);
  });

  it('records transfers, notes, calls and status changes on one timeline', async () => {
    const actor = { type: 'system' as const, id: null, name: 'test' };
    const c = await createCase(deps, actor, { title: 'Timeline', account: 'ICBC', owner: 'Li Qi' });
    const li = engineerActor(c.owner ?? { id: '', name: '' });
    clock.advance(60_000);
    await transferOwner(deps, li, c.number, { to: 'Jia Wei', note: 'I am on leave next week' });
    clock.advance(60_000);
    const call = await logCall(deps, li, c.number, {
      outcome: 'no_answer',
      note: '电话未能联系到您',
      callee: '徐先生',
    });
    expect(call.payload).toMatchObject({ outcome: 'no_answer', callee: '徐先生' });
    clock.advance(60_000);
    await addNote(deps, li, c.number, { text: 'Customer prefers mail' });
    clock.advance(60_000);
    await changeStatus(deps, li, c.number, { status: 'waiting_for_customer' });
    const detail = await getCaseDetail(deps, c.number);
    expect(detail.owner?.name).toBe('Jia Wei');
    expect(detail.status).toBe('waiting_for_customer');
    expect(detail.timeline.map((a) => a.type)).toEqual([
      'system',
      'transfer',
      'call',
      'note',
      'status_change',
    ]);
    const transfer = detail.timeline[1];
    expect(transfer?.payload).toMatchObject({
      from: { name: 'Li Qi' },
      to: { name: 'Jia Wei' },
      note: 'I am on leave next week',
    });
  });

  it('closes, refuses odd transitions, and reopens', async () => {
    const actor = { type: 'system' as const, id: null, name: 'test' };
    const c = await createCase(deps, actor, { title: 'Close me', account: 'ICBC' });
    const closed = await changeStatus(deps, actor, c.number, { status: 'closed' });
    expect(closed.closedAt).not.toBeNull();
    await expect(
      changeStatus(deps, actor, c.number, { status: 'waiting_for_customer' }),
    ).rejects.toMatchObject({
      code: 'case.bad_transition',
    });
    const reopened = await changeStatus(deps, actor, c.number, { status: 'in_progress' });
    expect(reopened.closedAt).toBeNull();
  });

  it('updates fields and logs what changed', async () => {
    const actor = { type: 'system' as const, id: null, name: 'test' };
    const c = await createCase(deps, actor, { title: 'Old', account: 'ICBC' });
    const updated = await updateCaseFields(deps, actor, c.number, {
      title: 'New',
      priority: 'P1',
      stage: '日志分析',
    });
    expect(updated).toMatchObject({ title: 'New', priority: 'P1', stage: '日志分析' });
    expect(updated.timeline.at(-1)?.payload).toMatchObject({
      changes: { title: { from: 'Old', to: 'New' } },
    });
  });

  it('lists cases with filters and paging', async () => {
    const all = await listCases(database.db, { page: 1, pageSize: 10 });
    expect(all.items).toHaveLength(10);
    expect(all.hasMore).toBe(true);
    const text = await listCases(database.db, { q: '补丁', page: 1, pageSize: 10 });
    expect(text.items.map((c) => c.title)).toEqual(['补丁更新失败']);
    const byOwner = await listCases(database.db, { owner: 'Jia Wei', page: 1, pageSize: 50 });
    expect(byOwner.items.map((c) => c.title)).toEqual(['Timeline']);
    const closed = await listCases(database.db, { status: ['in_progress'], page: 1, pageSize: 50 });
    expect(closed.items.map((c) => c.title)).toEqual(['Close me']);
    const unassigned = await listCases(database.db, {
      owner: 'none',
      account: 'ICBC',
      page: 1,
      pageSize: 100,
    });
    expect(unassigned.items.every((c) => c.owner === null)).toBe(true);
  });
});
