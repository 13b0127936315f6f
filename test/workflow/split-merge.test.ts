import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCase, getCaseDetail } from '../../src/cases/cases.service.js';
import type { Actor } from '../../src/cases/timeline.repo.js';
import {
  listCaseLinks,
  resolveCaseNumber,
  resolveTrackingToken,
} from '../../src/workflow/case-links.repo.js';
import { listClosures } from '../../src/workflow/closure.repo.js';
import { mergeCase } from '../../src/workflow/merge-case.js';
import { reopenCase } from '../../src/workflow/reopen-case.js';
import { splitCase } from '../../src/workflow/split-case.js';
import { type WorkflowDeps, workflowDeps } from '../../src/workflow/workflow-deps.js';
import { openTestDatabase, type TestDatabase } from '../support/test-db.js';
import { importSeed, SEED, testAppDeps } from './workflow-support.js';

let database: TestDatabase;
let deps: WorkflowDeps;
let li: Actor;
let childNumber = '';
let mails: string[] = [];

beforeAll(async () => {
  database = await openTestDatabase();
  const app = testAppDeps(database, '2021-11-05T02:00:00Z');
  deps = workflowDeps(app);
  ({ li } = await importSeed(app));
  mails = (await getCaseDetail(deps, SEED)).timeline.filter((a) => a.type === 'email').map((a) => a.id);
});
afterAll(async () => database.drop());

describe('split', () => {
  it('refuses activities that are not mails of the case, and an empty choice', async () => {
    const detail = await getCaseDetail(deps, SEED);
    const transfer = detail.timeline.find((a) => a.type === 'transfer')?.id ?? '';
    await expect(
      splitCase(deps, li, SEED, { activityIds: [mails[8] ?? '', transfer], title: 'x' }),
    ).rejects.toMatchObject({ code: 'split.bad_activity', details: { activityIds: [transfer] } });
    await expect(splitCase(deps, li, SEED, { activityIds: [], title: 'x' })).rejects.toMatchObject({
      code: 'split.no_messages',
    });
  });

  it('copies the chosen mails to a new case of the same account; the parent keeps its history', async () => {
    const before = await getCaseDetail(deps, SEED);
    const chosen = [mails[8] ?? '', mails[9] ?? ''];
    const result = await splitCase(deps, li, SEED, { activityIds: chosen, title: '域账户无法替换系统文件' });
    childNumber = result.child;
    expect(result).toMatchObject({ parent: SEED, copied: 2 });
    expect(childNumber).toMatch(/^CAS-\d{5}-[0-9A-Z]{6}$/);
    const child = await getCaseDetail(deps, childNumber);
    expect(child).toMatchObject({
      account: 'ICBC',
      priority: 'P3',
      status: 'in_progress',
      owner: { name: 'Li Qi' },
    });
    expect(child.trackingToken).not.toBe(before.trackingToken);
    expect(child.participants.map((p) => p.name).sort()).toEqual(
      before.participants.map((p) => p.name).sort(),
    );
    const copies = child.timeline.filter((a) => a.type === 'email');
    expect(copies.map((a) => a.email?.text)).toEqual(
      chosen.map((id) => before.timeline.find((a) => a.id === id)?.email?.text),
    );
    expect(copies.map((a) => a.occurredAt)).toEqual(
      chosen.map((id) => before.timeline.find((a) => a.id === id)?.occurredAt),
    );
    expect(copies[0]?.payload).toMatchObject({ copiedFrom: { caseNumber: SEED, activityId: chosen[0] } });
    expect(copies[0]?.email?.messageId).toBeNull();
    expect(child.timeline.find((a) => a.payload.event === 'split_from')?.payload).toMatchObject({
      caseNumber: SEED,
    });

    const parent = await getCaseDetail(deps, SEED);
    expect(parent.timeline.filter((a) => a.type === 'email')).toHaveLength(11);
    expect(parent.timeline.at(-1)?.payload).toMatchObject({ event: 'split', caseNumber: childNumber });
    expect(await listCaseLinks(database.db, parent.id)).toMatchObject([
      { kind: 'split', direction: 'to', caseNumber: childNumber },
    ]);
    expect(await listCaseLinks(database.db, child.id)).toMatchObject([
      { kind: 'split', direction: 'from', caseNumber: SEED },
    ]);
  });
});

describe('merge', () => {
  it('refuses merging a case into itself or across accounts', async () => {
    await expect(mergeCase(deps, li, SEED, { into: SEED })).rejects.toMatchObject({
      code: 'merge.same_case',
    });
    const other = await createCase(deps, li, { title: 'Other bank', account: 'ABC' });
    await expect(mergeCase(deps, li, other.number, { into: SEED })).rejects.toMatchObject({
      code: 'merge.account_mismatch',
    });
    await expect(mergeCase(deps, li, SEED, { into: 'CAS-99999-ZZZZZZ' })).rejects.toMatchObject({
      code: 'case.not_found',
    });
  });

  it('moves the timeline to the survivor, closes the duplicate and threads its number and token there', async () => {
    const dup = await getCaseDetail(deps, childNumber);
    const survivorBefore = await getCaseDetail(deps, SEED);
    const result = await mergeCase(deps, li, childNumber, { into: SEED, note: 'same problem' });
    expect(result).toEqual({ merged: childNumber, into: SEED, moved: dup.timeline.length });

    const survivor = await getCaseDetail(deps, SEED);
    expect(survivor.timeline.length).toBe(survivorBefore.timeline.length + dup.timeline.length + 1);
    const movedIds = dup.timeline.map((a) => a.id);
    for (const id of movedIds) {
      expect(survivor.timeline.find((a) => a.id === id)?.payload).toMatchObject({ mergedFrom: childNumber });
    }
    expect(survivor.timeline.at(-1)?.payload).toMatchObject({ event: 'merged_in', caseNumber: childNumber });

    const merged = await getCaseDetail(deps, childNumber);
    expect(merged.status).toBe('closed');
    expect(merged.timeline.map((a) => a.payload.event ?? a.type)).toEqual(['merged_into', 'status_change']);
    const [closure] = await listClosures(database.db, merged.id);
    expect(closure).toMatchObject({ reason: 'duplicate', noConsent: true, consentActivityId: null });

    expect(await resolveCaseNumber(database.db, childNumber)).toMatchObject({
      number: SEED,
      trackingToken: survivor.trackingToken,
      mergedFrom: [childNumber],
    });
    expect(await resolveTrackingToken(database.db, dup.trackingToken)).toMatchObject({ number: SEED });
    expect(await resolveCaseNumber(database.db, SEED)).toMatchObject({ number: SEED, mergedFrom: [] });
    expect(await resolveCaseNumber(database.db, 'CAS-99999-ZZZZZZ')).toBeNull();
  });

  it('keeps a merged case closed, and follows chains of merges to the end', async () => {
    await expect(reopenCase(deps, li, childNumber, { reason: 'oops' })).rejects.toMatchObject({
      code: 'reopen.merged',
    });
    await expect(mergeCase(deps, li, childNumber, { into: SEED })).rejects.toMatchObject({
      code: 'merge.already_merged',
    });
    const c = await createCase(deps, li, { title: 'third', account: 'ICBC' });
    const d = await createCase(deps, li, { title: 'fourth', account: 'ICBC' });
    await mergeCase(deps, li, d.number, { into: c.number });
    // Merging into a merged case lands on its survivor.
    const again = await createCase(deps, li, { title: 'fifth', account: 'ICBC' });
    expect(await mergeCase(deps, li, again.number, { into: d.number })).toMatchObject({ into: c.number });
    await mergeCase(deps, li, c.number, { into: SEED });
    expect(await resolveCaseNumber(database.db, d.number)).toMatchObject({
      number: SEED,
      mergedFrom: [d.number],
    });
  });
});
