import { readFile } from 'node:fs/promises';
import type { Kysely } from 'kysely';
import { getEngineer } from '../auth/engineers.repo.js';
import { getCase } from '../cases/cases.repo.js';
import { engineerActor } from '../cases/cases.service.js';
import type { Activity, Actor } from '../cases/timeline.repo.js';
import { readStdin } from '../cli/cli-support.js';
import { isTemplateVariable, type TemplateValues } from '../kb/template-variables.js';
import { parseRecipients } from '../mail/outbound/message-headers.js';
import type { DB } from '../platform/db/db.js';
import type { EmailAddress } from '../platform/db/schema.js';
import { invalid } from '../platform/errors.js';

/** Commander collector for repeatable options. */
export const collect = (value: string, previous: string[] = []): string[] => [...previous, value];

/** The engineer a CLI command acts as: `--as NAME`, else the case's owner. */
export async function cliActor(db: Kysely<DB>, as: string | undefined, caseNumber?: string): Promise<Actor> {
  let who = as;
  if (!who && caseNumber) who = (await getCase(db, caseNumber)).owner?.name;
  if (!who) throw invalid('cli.no_engineer', 'Say which engineer acts with --as NAME');
  return engineerActor(await getEngineer(db, who));
}

/** `--var name=value` pairs into template values; unknown names are refused. */
export function parseVars(pairs: string[] | undefined): TemplateValues {
  const values: TemplateValues = {};
  for (const pair of pairs ?? []) {
    const eq = pair.indexOf('=');
    const name = eq > 0 ? pair.slice(0, eq) : '';
    if (!isTemplateVariable(name)) {
      throw invalid(
        'template.unknown_variables',
        `--var ${pair}: expected NAME=VALUE with a known variable name`,
      );
    }
    values[name] = pair.slice(eq + 1).replace(/\\n/g, '\n');
  }
  return values;
}

export function parseAddresses(values: string[] | undefined, field: string): EmailAddress[] {
  return parseRecipients(values ?? [], field);
}

/** A file's text, or standard input for "-". */
export async function readTextArg(file: string): Promise<string> {
  if (file === '-') return readStdin();
  return readFile(file, 'utf8').catch(() => {
    throw invalid('cli.unreadable', `Cannot read ${file}`);
  });
}

/**
 * An activity named on the command line: its id, or `mail:N` for the N-th mail of the case
 * (counting from 1, in timeline order — the seed archive's 第N封邮件).
 *
 * @example resolveActivityRef(timeline, 'mail:11') // id of the 11th mail
 */
export function resolveActivityRef(timeline: Activity[], ref: string): string {
  const m = /^mail:(\d+)$/i.exec(ref.trim());
  if (!m) return ref.trim();
  const n = Number(m[1]);
  const mail = timeline.filter((a) => a.type === 'email')[n - 1];
  if (!mail) throw invalid('cli.bad_mail_ref', `${ref}: the case has no mail number ${n}`);
  return mail.id;
}
