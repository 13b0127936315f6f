import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { requireAdmin } from '../auth/auth.plugin.js';
import { invalid } from '../platform/errors.js';
import type { AppDeps } from '../platform/http/app-deps.js';
import { problemSchema } from '../platform/http/schemas.js';
import {
  createCalendar,
  deleteCalendar,
  getCalendar,
  importCalendarYear,
  listCalendars,
  removeCalendarDay,
  setCalendarDay,
  setDefaultCalendar,
  updateCalendar,
} from './calendars.service.js';
import {
  calendarDaySchemaApi,
  calendarDetailSchema,
  calendarImportSchema,
  calendarPatchSchema,
  calendarViewSchema,
  newCalendarSchema,
} from './sla.schemas.js';

const errors = { 400: problemSchema, 403: problemSchema, 404: problemSchema, 409: problemSchema };
const nameParam = z.object({ name: z.string().min(1).max(64) });
const dateParam = nameParam.extend({ date: z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'YYYY-MM-DD') });

/** Business calendars: everyone reads them, admins change them. */
export function calendarsRoutes(deps: AppDeps): FastifyPluginAsyncZod {
  const d = { db: deps.db, clock: deps.clock };
  return async (app) => {
    app.get(
      '/calendars',
      {
        schema: {
          tags: ['calendars'],
          summary: 'Business calendars',
          response: { 200: z.array(calendarViewSchema) },
        },
      },
      async () => listCalendars(d),
    );

    app.get(
      '/calendars/:name',
      {
        schema: {
          tags: ['calendars'],
          summary: 'A calendar with its holidays and make-up workdays (optionally of one year)',
          params: nameParam,
          querystring: z.object({ year: z.coerce.number().int().min(1900).max(2200).optional() }),
          response: { 200: calendarDetailSchema, ...errors },
        },
      },
      async (request) =>
        getCalendar(
          d,
          request.params.name,
          request.query.year === undefined ? {} : { year: request.query.year },
        ),
    );

    app.post(
      '/calendars',
      {
        schema: {
          tags: ['calendars'],
          summary: 'Create a calendar (admins); hours default to Monday–Friday 09:00–18:00',
          body: newCalendarSchema,
          response: { 201: calendarDetailSchema, ...errors },
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        return reply.code(201).send(await createCalendar(d, request.body));
      },
    );

    app.patch(
      '/calendars/:name',
      {
        schema: {
          tags: ['calendars'],
          summary: 'Change zone, working hours, make-up day hours or the years declared complete (admins)',
          params: nameParam,
          body: calendarPatchSchema,
          response: { 200: calendarDetailSchema, ...errors },
        },
      },
      async (request) => {
        requireAdmin(request);
        return updateCalendar(d, request.params.name, request.body);
      },
    );

    app.put(
      '/calendars/:name/days/:date',
      {
        schema: {
          tags: ['calendars'],
          summary: 'Add or change a day: a holiday, or a workday (make-up day) with optional hours (admins)',
          params: dateParam,
          body: calendarDaySchemaApi,
          response: { 200: calendarDetailSchema, ...errors },
        },
      },
      async (request) => {
        requireAdmin(request);
        return setCalendarDay(d, request.params.name, request.params.date, request.body);
      },
    );

    app.delete(
      '/calendars/:name/days/:date',
      {
        schema: {
          tags: ['calendars'],
          summary: "Remove the admins' entry for a day (CN: back to the shipped data) (admins)",
          params: dateParam,
          response: { 200: calendarDetailSchema, ...errors },
        },
      },
      async (request) => {
        requireAdmin(request);
        return removeCalendarDay(d, request.params.name, request.params.date);
      },
    );

    app.post(
      '/calendars/:name/import',
      {
        schema: {
          tags: ['calendars'],
          summary:
            'Import a year of holidays and make-up days from holiday-cn JSON or ICS; replaces those years (admins)',
          params: nameParam,
          body: calendarImportSchema,
          response: {
            200: calendarDetailSchema.extend({
              importedYears: z.array(z.number()),
              importedDays: z.number(),
            }),
            ...errors,
          },
        },
      },
      async (request) => {
        requireAdmin(request);
        const body = request.body;
        if (body.format === 'json') {
          let content = body.content;
          if (typeof content === 'string') {
            try {
              content = JSON.parse(content);
            } catch {
              throw invalid('calendar.bad_import', 'The JSON content does not parse');
            }
          }
          return importCalendarYear(d, request.params.name, { format: 'json', content });
        }
        return importCalendarYear(d, request.params.name, {
          format: 'ics',
          content: body.content,
          ...(body.year === undefined ? {} : { year: body.year }),
        });
      },
    );

    app.post(
      '/calendars/:name/default',
      {
        schema: {
          tags: ['calendars'],
          summary: 'Make this the calendar of every case without one of its own (admins)',
          params: nameParam,
          response: { 200: calendarDetailSchema, ...errors },
        },
      },
      async (request) => {
        requireAdmin(request);
        return setDefaultCalendar(d, request.params.name);
      },
    );

    app.delete(
      '/calendars/:name',
      {
        schema: {
          tags: ['calendars'],
          summary: 'Delete a calendar no case uses (not CN, not the default) (admins)',
          params: nameParam,
          response: { 204: z.null(), ...errors },
        },
      },
      async (request, reply) => {
        requireAdmin(request);
        await deleteCalendar(d, request.params.name);
        return reply.code(204).send(null);
      },
    );
  };
}
