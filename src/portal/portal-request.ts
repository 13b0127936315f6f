import { DomainError } from '../platform/errors.js';
import type { PortalContact } from './portal-auth.service.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** The signed-in customer on /api/v1/portal routes; always null elsewhere. */
    portalContact: PortalContact | null;
  }
}

export const portalSignedOut = () =>
  new DomainError('portal.signed_out', 'Sign in to the customer portal first', 401);

/** The signed-in customer of a portal route (the portal hook has already refused everyone else). */
export function currentContact(request: { portalContact: PortalContact | null }): PortalContact {
  if (!request.portalContact) throw portalSignedOut();
  return request.portalContact;
}
