import type { FastifyError, FastifyInstance } from 'fastify';
import { hasZodFastifySchemaValidationErrors, isResponseSerializationError } from 'fastify-type-provider-zod';
import { DomainError, toProblem } from '../errors.js';

const PROBLEM = 'application/problem+json';

/**
 * Every error leaves the API as `application/problem+json` (RFC 9457). Domain errors keep their code;
 * validation errors list the fields; anything unexpected is logged and shown without internals.
 */
export function installProblemHandler(app: FastifyInstance): void {
  app.setErrorHandler((error: FastifyError, request, reply) => {
    if (error instanceof DomainError) {
      return reply.code(error.status).type(PROBLEM).send(toProblem(error));
    }
    if (hasZodFastifySchemaValidationErrors(error)) {
      const errors = error.validation.map((v) => ({
        where: error.validationContext ?? 'request',
        path: v.instancePath || '/',
        message: v.message ?? 'invalid',
      }));
      return reply
        .code(400)
        .type(PROBLEM)
        .send({
          type: 'https://casedesk.dev/problems/request.invalid',
          title: 'request.invalid',
          status: 400,
          code: 'request.invalid',
          detail: errors.map((e) => `${e.where} ${e.path}: ${e.message}`).join('; '),
          errors,
        });
    }
    if (isResponseSerializationError(error)) {
      request.log.error({ err: error, issues: error.cause.issues }, 'response did not match its schema');
    } else if ((error.statusCode ?? 500) < 500) {
      const status = error.statusCode ?? 400;
      const code = status === 429 ? 'request.rate_limited' : `request.${(error.code ?? 'bad').toLowerCase()}`;
      return reply
        .code(status)
        .type(PROBLEM)
        .send({
          type: `https://casedesk.dev/problems/${code}`,
          title: code,
          status,
          code,
          detail: error.message,
        });
    } else {
      request.log.error({ err: error }, 'unhandled error');
    }
    return reply.code(500).type(PROBLEM).send({
      type: 'https://casedesk.dev/problems/internal',
      title: 'internal',
      status: 500,
      code: 'internal',
      detail: 'Something went wrong on the server; it has been logged.',
    });
  });
  app.setNotFoundHandler((request, reply) =>
    reply
      .code(404)
      .type(PROBLEM)
      .send({
        type: 'https://casedesk.dev/problems/route.not_found',
        title: 'route.not_found',
        status: 404,
        code: 'route.not_found',
        detail: `No route ${request.method} ${request.url.split('?')[0]}`,
      }),
  );
}
