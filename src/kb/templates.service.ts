import type { Kysely } from 'kysely';
import type { Clock } from '../platform/clock.js';
import type { DB } from '../platform/db/db.js';
import { conflict, invalid, notFound } from '../platform/errors.js';
import { checkTemplate } from './template-render.js';
import type { TemplateVariable } from './template-variables.js';
import {
  deleteTemplateRow,
  findTemplateRow,
  insertTemplateRow,
  listTemplateRows,
  type TemplateRow,
  updateTemplateRow,
} from './templates.repo.js';
import type { TemplateLocale } from './workflow.tables.js';

export type TemplateDeps = { db: Kysely<DB>; clock: Clock };

/** A reply template as the API shows it, with the variables its body uses. */
export type ReplyTemplate = TemplateRow & { variables: TemplateVariable[] };

export const templateLocales = ['zh-CN', 'en'] as const;

/** Keys of the templates shipped with CaseDesk (migration 006). */
export const builtInTemplateKeys = [
  'scope_agreement',
  'log_collection',
  'follow_up_no_answer',
  'remediation_steps',
  'closure_summary',
] as const;

const withVariables = (row: TemplateRow): ReplyTemplate => ({
  ...row,
  variables: checkTemplate(row.body).variables,
});

export async function listReplyTemplates(
  deps: TemplateDeps,
  filter: { locale?: TemplateLocale } = {},
): Promise<ReplyTemplate[]> {
  return (await listTemplateRows(deps.db, filter.locale)).map(withVariables);
}

export async function getReplyTemplate(
  deps: TemplateDeps,
  key: string,
  locale: TemplateLocale,
): Promise<ReplyTemplate> {
  const row = await findTemplateRow(deps.db, key, locale);
  if (!row) throw notFound('template.not_found', `No ${locale} template ${key}`, { key, locale });
  return withVariables(row);
}

export type NewTemplateInput = {
  key: string;
  locale: TemplateLocale;
  name: string;
  stage?: string;
  body: string;
};

/** Adds a template (admins only, checked by the caller); the body is checked before it is stored. */
export async function createReplyTemplate(
  deps: TemplateDeps,
  editorId: string | null,
  input: NewTemplateInput,
): Promise<ReplyTemplate> {
  if (!/^[a-z][a-z0-9_]{1,63}$/.test(input.key)) {
    throw invalid(
      'template.bad_key',
      'A template key is 2–64 lower-case letters, digits or _, starting with a letter',
    );
  }
  checkTemplate(input.body);
  const created = await insertTemplateRow(deps.db, {
    ...input,
    stage: input.stage ?? '',
    updatedBy: editorId,
    at: deps.clock.now(),
  });
  if (!created) {
    throw conflict(
      'template.exists',
      `A ${input.locale} template ${input.key} already exists; update it instead`,
      {
        key: input.key,
        locale: input.locale,
      },
    );
  }
  return getReplyTemplate(deps, input.key, input.locale);
}

export async function updateReplyTemplate(
  deps: TemplateDeps,
  editorId: string | null,
  key: string,
  locale: TemplateLocale,
  patch: { name?: string; stage?: string; body?: string },
): Promise<ReplyTemplate> {
  const current = await getReplyTemplate(deps, key, locale);
  if (patch.body !== undefined) checkTemplate(patch.body);
  await updateTemplateRow(deps.db, current.id, { ...patch, updatedBy: editorId, at: deps.clock.now() });
  return getReplyTemplate(deps, key, locale);
}

/** Removes a template an admin added; built-in templates can be edited but not removed. */
export async function deleteReplyTemplate(
  deps: TemplateDeps,
  key: string,
  locale: TemplateLocale,
): Promise<void> {
  const current = await getReplyTemplate(deps, key, locale);
  if (current.builtIn) {
    throw invalid('template.built_in', `${key} is built in; edit it instead of deleting it`, { key, locale });
  }
  await deleteTemplateRow(deps.db, current.id);
}
