import type { CaseDetail } from '../api/api-types.js';

export type MailAddress = { name: string | null; address: string };

const ANGLE = /^\s*"?([^"<]*?)"?\s*<([^<>\s]+@[^<>\s]+)>\s*$/;
const BARE = /^\s*([^\s<>,;]+@[^\s<>,;]+)\s*$/;

/**
 * Reads "Name <a@b.example>, c@d.example" (commas or semicolons) into addresses; what is not an
 * address is returned in `bad` so the form can say so instead of dropping it.
 *
 * @example
 * parseAddressList('徐先生 <xu@icbc.example>; ops@icbc.example')
 * // { addresses: [{ name: '徐先生', address: 'xu@icbc.example' }, { name: null, address: 'ops@icbc.example' }], bad: [] }
 */
export function parseAddressList(text: string): { addresses: MailAddress[]; bad: string[] } {
  const addresses: MailAddress[] = [];
  const bad: string[] = [];
  for (const part of text.split(/[,;，；]/)) {
    if (!part.trim()) continue;
    const angle = ANGLE.exec(part);
    const bare = angle ? null : BARE.exec(part);
    if (angle?.[2]) addresses.push({ name: angle[1]?.trim() || null, address: angle[2] });
    else if (bare?.[1]) addresses.push({ name: null, address: bare[1] });
    else bad.push(part.trim());
  }
  return { addresses, bad };
}

/** Who the server mails by default: the case's customers with an address, else the last inbound sender. */
export function defaultRecipients(detail: CaseDetail): string {
  // The customer's people on the case: the requester and colleagues they copied (the seed writes to both).
  const customers = detail.participants.filter((p) => (p.role === 'customer' || p.role === 'cc') && p.email);
  if (customers.length > 0) return customers.map((p) => `${p.name} <${p.email}>`).join(', ');
  const last = [...detail.timeline]
    .reverse()
    .find((a) => a.email?.direction === 'inbound' && a.email.from.address);
  const from = last?.email?.from;
  if (!from?.address) return '';
  return from.name ? `${from.name} <${from.address}>` : from.address;
}
