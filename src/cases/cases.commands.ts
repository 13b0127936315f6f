import { Command, InvalidArgumentError, Option } from 'commander';
import { action, printJson, withDatabaseFlags, withRuntime } from '../cli/cli-support.js';
import type { CaseStatus, Priority } from '../platform/db/schema.js';
import { priorities, statuses } from '../platform/http/schemas.js';
import { listCases } from './cases.repo.js';
import { getCaseDetail } from './cases.service.js';

function csv<T extends string>(allowed: readonly T[]) {
  return (value: string): T[] => {
    const items = value.split(',').map((s) => s.trim());
    const bad = items.filter((s) => !allowed.includes(s as T));
    if (bad.length)
      throw new InvalidArgumentError(`unknown value ${bad.join(', ')} (use ${allowed.join(', ')})`);
    return items as T[];
  };
}

function positiveInt() {
  return (value: string): number => {
    const n = Number(value);
    if (!Number.isInteger(n) || n < 1)
      throw new InvalidArgumentError(`expected a whole number ≥ 1, got "${value}"`);
    return n;
  };
}

export function caseCommand(): Command {
  const command = new Command('case').description('List and show cases');
  command.addCommand(
    withDatabaseFlags(
      new Command('list')
        .description('List cases, most recently updated first')
        .addOption(
          new Option('--status <list>', `comma-separated: ${statuses.join(', ')}`).argParser(csv(statuses)),
        )
        .addOption(
          new Option('--priority <list>', 'comma-separated: P1, P2, P3, P4').argParser(csv(priorities)),
        )
        .option('--account <name>', 'only this account')
        .option('--owner <name>', 'only this engineer\'s cases ("none" for unassigned)')
        .option('-q, --query <text>', 'text in the case number or title')
        .addOption(new Option('--page <n>', 'page number').argParser(positiveInt()).default(1))
        .addOption(new Option('--page-size <n>', 'cases per page').argParser(positiveInt()).default(50))
        .option('--json', 'print JSON'),
    ).action(
      action(
        async (opts: {
          status?: CaseStatus[];
          priority?: Priority[];
          account?: string;
          owner?: string;
          query?: string;
          page: number;
          pageSize: number;
          json?: boolean;
          dataDir?: string;
        }) => {
          await withRuntime(opts, async (runtime) => {
            const result = await listCases(runtime.database.db, {
              ...(opts.status ? { status: opts.status } : {}),
              ...(opts.priority ? { priority: opts.priority } : {}),
              ...(opts.account ? { account: opts.account } : {}),
              ...(opts.owner ? { owner: opts.owner } : {}),
              ...(opts.query ? { q: opts.query } : {}),
              page: opts.page,
              pageSize: Math.min(opts.pageSize, 1000),
            });
            if (opts.json) return printJson(result);
            for (const c of result.items) {
              process.stdout.write(
                `${c.number}  ${c.priority}  ${c.status.padEnd(20)}  ${(c.account ?? '-').padEnd(10)}  ${(c.owner?.name ?? '-').padEnd(12)}  ${c.title}\n`,
              );
            }
            if (result.items.length === 0) process.stdout.write('no cases\n');
            if (result.hasMore) process.stdout.write(`… more on --page ${opts.page + 1}\n`);
          });
        },
      ),
    ),
  );
  command.addCommand(
    withDatabaseFlags(
      new Command('show')
        .description('Show a case with its timeline')
        .argument('<caseNumber>', 'e.g. CAS-04814-C9T9D0')
        .option('--json', 'print JSON'),
    ).action(
      action(async (caseNumber: string, opts: { json?: boolean; dataDir?: string }) => {
        await withRuntime(opts, async (runtime) => {
          const detail = await getCaseDetail(
            { db: runtime.database.db, clock: runtime.clock, trackingPrefix: runtime.config.trackingPrefix },
            caseNumber,
          );
          if (opts.json) return printJson(detail);
          const out: string[] = [
            `${detail.number}  ${detail.title}`,
            `account ${detail.account ?? '-'}  priority ${detail.priority}  status ${detail.status}  stage ${detail.stage || '-'}`,
            `owner ${detail.owner?.name ?? '-'}  token ${detail.trackingToken}  opened ${detail.openedAt}  updated ${detail.updatedAt}`,
            '',
          ];
          for (const a of detail.timeline) out.push(`${a.occurredAt}  ${describeActivity(a)}`);
          process.stdout.write(`${out.join('\n')}\n`);
        });
      }),
    ),
  );
  return command;
}

function describeActivity(a: Awaited<ReturnType<typeof getCaseDetail>>['timeline'][number]): string {
  const p = a.payload as Record<string, unknown>;
  switch (a.type) {
    case 'email': {
      const text = (a.email?.text ?? '').replace(/\s+/g, ' ').trim();
      return `${a.email?.direction === 'outbound' ? 'mail from' : 'mail in from'} ${a.actor.name}: ${text.slice(0, 80) || '(empty)'}`;
    }
    case 'transfer':
      return `transfer ${(p.from as { name?: string } | null)?.name ?? 'nobody'} → ${(p.to as { name?: string }).name}: ${String(p.note ?? '')}`;
    case 'call':
      return `call by ${a.actor.name} (${p.outcome === 'reached' ? 'reached' : 'no answer'}): ${String(p.note ?? '')}`;
    case 'note':
      return `note by ${a.actor.name}: ${String(p.text ?? '')}`;
    case 'status_change':
      return `status ${String(p.from)} → ${String(p.to)} by ${a.actor.name}`;
    default:
      return `${String(p.event ?? a.type)} by ${a.actor.name}`;
  }
}
