import type { Kysely } from 'kysely';
import { createEngineer } from '../../../src/auth/engineers.repo.js';
import { createCase, engineerActor } from '../../../src/cases/cases.service.js';
import { insertEmailActivity } from '../../../src/cases/timeline.repo.js';
import type { Clock } from '../../../src/platform/clock.js';
import type { DB } from '../../../src/platform/db/db.js';

export const customerMessageId = 'CAAX12345.abcdef@mail.icbc.com.cn';
export const threadRoot = 'root-0001@mail.icbc.com.cn';

/**
 * An engineer and a new case of account ICBC with one inbound customer mail (Message-ID and
 * References as a mail client sets them), as the seed case starts.
 */
export async function seedCase(db: Kysely<DB>, clock: Clock, name = 'Li Qi') {
  const engineer = await createEngineer(db, {
    name,
    email: `${name.replace(' ', '.').toLowerCase()}@vendor.example`,
  });
  const actor = engineerActor(engineer);
  const created = await createCase({ db, clock, trackingPrefix: 'CMIT' }, actor, {
    title: '补丁更新失败',
    account: 'ICBC',
    priority: 'P3',
  });
  await insertEmailActivity(db, {
    caseId: created.id,
    actor: { type: 'contact', id: null, name: 'Wang Li' },
    occurredAt: new Date(clock.now().getTime() - 60_000),
    email: {
      direction: 'inbound',
      from: { name: 'Wang Li', address: 'wang.li@icbc.com.cn' },
      to: [{ name: null, address: 'support@vendor.example' }],
      cc: [],
      subject: `[案例号: ${created.number}] 补丁更新失败`,
      text: 'KB5034441 安装失败，错误 0x80073712',
      html: null,
      sentAt: clock.now(),
      messageId: customerMessageId,
      inReplyTo: threadRoot,
      references: [threadRoot],
      attachments: [],
    },
  });
  return {
    engineer,
    actor,
    caseNumber: created.number,
    caseId: created.id,
    trackingToken: created.trackingToken,
  };
}
