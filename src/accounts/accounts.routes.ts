import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import type { AppDeps } from '../platform/http/app-deps.js';
import { problemSchema } from '../platform/http/schemas.js';
import {
  createAccount,
  createContact,
  getAccount,
  listAccounts,
  listContacts,
  updateAccount,
} from './accounts.repo.js';

const accountSchema = z.object({
  id: z.string(),
  name: z.string(),
  fullName: z.string().nullable(),
  domains: z.array(z.string()),
  createdAt: z.string(),
});
const contactSchema = z.object({
  id: z.string(),
  accountId: z.string().nullable(),
  accountName: z.string().nullable(),
  name: z.string(),
  email: z.string().nullable(),
  phone: z.string().nullable(),
});
const domain = z
  .string()
  .regex(/^[a-z0-9-]+(\.[a-z0-9-]+)+$/i, 'a mail domain such as icbc.com.cn')
  .transform((d) => d.toLowerCase());

export function accountsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  return async (app) => {
    app.get(
      '/accounts',
      {
        schema: {
          tags: ['accounts'],
          summary: 'List customer accounts',
          response: { 200: z.array(accountSchema) },
        },
      },
      async () => listAccounts(deps.db),
    );
    app.post(
      '/accounts',
      {
        schema: {
          tags: ['accounts'],
          summary: 'Add a customer account with its mail domains',
          body: z.object({
            name: z
              .string()
              .min(1)
              .max(100)
              .regex(/^[^|]+$/, 'no "|" (it separates subject fields)'),
            fullName: z.string().max(300).optional(),
            domains: z.array(domain).default([]),
          }),
          response: { 201: accountSchema, 409: problemSchema },
        },
      },
      async (request, reply) => reply.code(201).send(await createAccount(deps.db, request.body)),
    );
    app.get(
      '/accounts/:name',
      {
        schema: {
          tags: ['accounts'],
          summary: 'One account',
          params: z.object({ name: z.string() }),
          response: { 200: accountSchema, 404: problemSchema },
        },
      },
      async (request) => getAccount(deps.db, request.params.name),
    );
    app.patch(
      '/accounts/:name',
      {
        schema: {
          tags: ['accounts'],
          summary: 'Rename an account or replace its mail domains',
          params: z.object({ name: z.string() }),
          body: z.object({
            name: z
              .string()
              .min(1)
              .max(100)
              .regex(/^[^|]+$/)
              .optional(),
            fullName: z.string().max(300).nullable().optional(),
            domains: z.array(domain).optional(),
          }),
          response: { 200: accountSchema, 404: problemSchema, 409: problemSchema },
        },
      },
      async (request) => updateAccount(deps.db, request.params.name, request.body),
    );
    app.get(
      '/contacts',
      {
        schema: {
          tags: ['accounts'],
          summary: 'List contacts, optionally of one account',
          querystring: z.object({ account: z.string().optional() }),
          response: { 200: z.array(contactSchema) },
        },
      },
      async (request) => listContacts(deps.db, request.query),
    );
    app.post(
      '/contacts',
      {
        schema: {
          tags: ['accounts'],
          summary: 'Add a contact to an account',
          body: z.object({
            account: z.string().min(1).optional().describe('Account name; omit for a third party'),
            name: z.string().min(1).max(200),
            email: z.email().optional(),
            phone: z.string().max(50).optional(),
          }),
          response: { 201: contactSchema, 404: problemSchema, 409: problemSchema },
        },
      },
      async (request, reply) => {
        const account = request.body.account ? await getAccount(deps.db, request.body.account) : null;
        const contact = await createContact(deps.db, { ...request.body, accountId: account?.id ?? null });
        return reply.code(201).send(contact);
      },
    );
  };
}
