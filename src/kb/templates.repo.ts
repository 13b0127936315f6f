import type { Kysely } from 'kysely';
import type { DB } from '../platform/db/db.js';
import type { TemplateLocale } from './workflow.tables.js';

type Db = Kysely<DB>;

export type TemplateRow = {
  id: string;
  key: string;
  locale: TemplateLocale;
  name: string;
  stage: string;
  body: string;
  builtIn: boolean;
  updatedBy: string | null;
  updatedAt: string;
};

function templateQuery(db: Db) {
  return db
    .selectFrom('reply_templates as t')
    .leftJoin('engineers as e', 'e.id', 't.updated_by')
    .select([
      't.id',
      't.key',
      't.locale',
      't.name',
      't.stage',
      't.body',
      't.built_in',
      'e.name as updated_by_name',
      't.updated_at',
    ]);
}

type Row = Awaited<ReturnType<ReturnType<typeof templateQuery>['executeTakeFirstOrThrow']>>;

const toTemplate = (r: Row): TemplateRow => ({
  id: r.id,
  key: r.key,
  locale: r.locale,
  name: r.name,
  stage: r.stage,
  body: r.body,
  builtIn: r.built_in,
  updatedBy: r.updated_by_name,
  updatedAt: r.updated_at.toISOString(),
});

export async function listTemplateRows(db: Db, locale?: TemplateLocale): Promise<TemplateRow[]> {
  let q = templateQuery(db);
  if (locale) q = q.where('t.locale', '=', locale);
  const rows = await q.orderBy('t.key').orderBy('t.locale').execute();
  return rows.map(toTemplate);
}

export async function findTemplateRow(
  db: Db,
  key: string,
  locale: TemplateLocale,
): Promise<TemplateRow | null> {
  const row = await templateQuery(db)
    .where('t.key', '=', key)
    .where('t.locale', '=', locale)
    .executeTakeFirst();
  return row ? toTemplate(row) : null;
}

/** Inserts a template; returns false when that key and language already exist. */
export async function insertTemplateRow(
  db: Db,
  input: {
    key: string;
    locale: TemplateLocale;
    name: string;
    stage: string;
    body: string;
    updatedBy: string | null;
    at: Date;
  },
): Promise<boolean> {
  const row = await db
    .insertInto('reply_templates')
    .values({
      key: input.key,
      locale: input.locale,
      name: input.name,
      stage: input.stage,
      body: input.body,
      updated_by: input.updatedBy,
      created_at: input.at,
      updated_at: input.at,
    })
    .onConflict((oc) => oc.columns(['key', 'locale']).doNothing())
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

export async function updateTemplateRow(
  db: Db,
  id: string,
  patch: { name?: string; stage?: string; body?: string; updatedBy: string | null; at: Date },
): Promise<void> {
  await db
    .updateTable('reply_templates')
    .set({
      ...(patch.name !== undefined ? { name: patch.name } : {}),
      ...(patch.stage !== undefined ? { stage: patch.stage } : {}),
      ...(patch.body !== undefined ? { body: patch.body } : {}),
      updated_by: patch.updatedBy,
      updated_at: patch.at,
    })
    .where('id', '=', id)
    .execute();
}

export async function deleteTemplateRow(db: Db, id: string): Promise<void> {
  await db.deleteFrom('reply_templates').where('id', '=', id).where('built_in', '=', false).execute();
}
