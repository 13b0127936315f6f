import type { Kysely } from 'kysely';
import { hashPassword, verifyPassword } from '../auth/passwords.js';
import { newSecret, sha256Hex } from '../auth/secrets.js';
import { enqueueNotificationMail } from '../mail/outbound/send-reply.js';
import type { Clock } from '../platform/clock.js';
import type { Config } from '../platform/config.js';
import type { DB } from '../platform/db/db.js';
import { DomainError, invalid, notFound } from '../platform/errors.js';
import {
  contactOfSession,
  countRecentLinks,
  deletePortalSession,
  deleteSessionsOfContact,
  expireLinksOfContact,
  findContactByEmail,
  findContactById,
  insertLoginLink,
  insertPortalSession,
  type PortalContactRow,
  redeemLoginLink,
  upsertAccess,
} from './portal-auth.repo.js';
import { type MailLocale, signInLinkMail } from './sign-in-link-mail.js';

export type PortalDeps = { db: Kysely<DB>; clock: Clock; config: Config };

/** The signed-in customer: a contact of exactly one account. */
export type PortalContact = {
  id: string;
  name: string;
  email: string;
  accountId: string;
  accountName: string;
};

export const LINK_VALID_MINUTES = 30;
/** At most this many link mails per contact per quarter hour, whoever asks (no mail bombing). */
const LINKS_PER_QUARTER_HOUR = 3;
export const MIN_PASSWORD_LENGTH = 10;
// Verified against when the email is unknown, so a wrong email takes as long as a wrong password.
let dummyHash: Promise<string> | undefined;

/** Who may use the portal: a contact with an email, of an account, not disabled. */
function eligible(c: PortalContactRow | null): PortalContact | null {
  if (!c?.email || !c.accountId || !c.accountName || c.disabledAt) return null;
  return { id: c.id, name: c.name, email: c.email, accountId: c.accountId, accountName: c.accountName };
}

export function publicBaseUrl(config: Pick<Config, 'publicUrl' | 'host' | 'port'>): string {
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  return (config.publicUrl ?? `http://${host}:${config.port}`).replace(/\/+$/, '');
}

async function sendLink(deps: PortalDeps, contact: PortalContact, locale: MailLocale): Promise<Date> {
  const token = newSecret('cdl');
  const now = deps.clock.now();
  const expiresAt = new Date(now.getTime() + LINK_VALID_MINUTES * 60_000);
  const link = `${publicBaseUrl(deps.config)}/portal/sign-in?token=${encodeURIComponent(token)}`;
  const mail = signInLinkMail(locale, {
    contactName: contact.name,
    accountName: contact.accountName,
    link,
    validMinutes: LINK_VALID_MINUTES,
  });
  await deps.db.transaction().execute(async (trx) => {
    await insertLoginLink(trx, { id: sha256Hex(token), contactId: contact.id, createdAt: now, expiresAt });
    await enqueueNotificationMail({ ...deps, db: trx }, { to: [contact.email], ...mail });
  });
  return expiresAt;
}

/**
 * A customer asks for a sign-in link. Whether or not the email belongs to a contact who may sign
 * in, the caller answers the same way: nothing tells which addresses exist.
 */
export async function requestSignInLink(deps: PortalDeps, email: string, locale?: MailLocale): Promise<void> {
  const contact = eligible(await findContactByEmail(deps.db, email));
  if (!contact) return;
  const since = new Date(deps.clock.now().getTime() - 15 * 60_000);
  if ((await countRecentLinks(deps.db, contact.id, since)) >= LINKS_PER_QUARTER_HOUR) return;
  await sendLink(deps, contact, locale ?? deps.config.mailLocale);
}

/** An engineer invites a contact: the same link mail, with a clear error when the contact cannot sign in. */
export async function inviteContact(
  deps: PortalDeps,
  contactId: string,
  locale?: MailLocale,
): Promise<{ email: string; expiresAt: string }> {
  const row = await getContact(deps, contactId);
  const contact = eligible(row);
  if (!contact) throw notEligible(row);
  const expiresAt = await sendLink(deps, contact, locale ?? deps.config.mailLocale);
  return { email: contact.email, expiresAt: expiresAt.toISOString() };
}

async function getContact(deps: PortalDeps, contactId: string): Promise<PortalContactRow> {
  const row = await findContactById(deps.db, contactId);
  if (!row) throw notFound('portal.contact_not_found', 'No such contact');
  return row;
}

function notEligible(row: PortalContactRow): DomainError {
  if (row.disabledAt)
    return invalid('portal.disabled', 'Portal access of this contact is disabled; enable it first');
  if (!row.accountId) return invalid('portal.no_account', 'Only contacts of an account can use the portal');
  return invalid('portal.no_email', 'This contact has no email address');
}

export type PortalSignIn = { secret: string; contact: PortalContact; expiresAt: Date };

async function startSession(deps: PortalDeps, contact: PortalContact): Promise<PortalSignIn> {
  const secret = newSecret('cdp');
  const expiresAt = new Date(deps.clock.now().getTime() + deps.config.sessionDays * 86_400_000);
  await insertPortalSession(deps.db, { id: sha256Hex(secret), contactId: contact.id, expiresAt });
  return { secret, contact, expiresAt };
}

/** Signs in with a link's token: valid once, within 30 minutes, for a contact still allowed in. */
export async function redeemSignInLink(deps: PortalDeps, token: string): Promise<PortalSignIn> {
  const contactId = await redeemLoginLink(deps.db, sha256Hex(token.trim()), deps.clock.now());
  const contact = contactId ? eligible(await findContactById(deps.db, contactId)) : null;
  if (!contact) {
    throw new DomainError(
      'portal.link_invalid',
      'This sign-in link has expired or was already used. Ask for a new one.',
      401,
    );
  }
  return startSession(deps, contact);
}

const badLogin = () => new DomainError('portal.bad_credentials', 'Wrong email or password', 401);

export async function signInWithPassword(
  deps: PortalDeps,
  email: string,
  password: string,
): Promise<PortalSignIn> {
  const row = await findContactByEmail(deps.db, email);
  const contact = eligible(row);
  if (!contact || !row?.passwordHash) {
    dummyHash ??= hashPassword('casedesk-portal-timing-equaliser');
    await verifyPassword(await dummyHash, password);
    throw badLogin();
  }
  if (!(await verifyPassword(row.passwordHash, password))) throw badLogin();
  return startSession(deps, contact);
}

export async function contactForSession(
  deps: PortalDeps,
  secret: string | undefined,
): Promise<PortalContact | null> {
  if (!secret) return null;
  return eligible(await contactOfSession(deps.db, sha256Hex(secret), deps.clock.now()));
}

export async function signOut(deps: PortalDeps, secret: string | undefined): Promise<void> {
  if (secret) await deletePortalSession(deps.db, sha256Hex(secret));
}

/**
 * Sets a contact's portal password (by the signed-in contact, or an engineer setting the first
 * one). A link sign-in proves the mailbox, so it is also the way to reset a forgotten password.
 */
export async function setContactPassword(
  deps: PortalDeps,
  contactId: string,
  password: string,
): Promise<void> {
  if (password.length < MIN_PASSWORD_LENGTH) {
    throw invalid('portal.weak_password', `A password needs at least ${MIN_PASSWORD_LENGTH} characters`);
  }
  await getContact(deps, contactId);
  await upsertAccess(deps.db, contactId, { passwordHash: await hashPassword(password) }, deps.clock.now());
}

/** Enables or disables a contact's portal access; disabling ends its sessions and unused links at once. */
export async function setPortalEnabled(
  deps: PortalDeps,
  engineerId: string,
  contactId: string,
  enabled: boolean,
): Promise<void> {
  await getContact(deps, contactId);
  const now = deps.clock.now();
  await deps.db.transaction().execute(async (trx) => {
    await upsertAccess(
      trx,
      contactId,
      enabled ? { disabledAt: null, disabledBy: null } : { disabledAt: now, disabledBy: engineerId },
      now,
    );
    if (!enabled) {
      await deleteSessionsOfContact(trx, contactId);
      await expireLinksOfContact(trx, contactId, now);
    }
  });
}
