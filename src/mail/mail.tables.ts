import type { InboundMailTables } from './inbound/inbound.tables.js';
import type { OutboundMailTables } from './outbound/outbound.tables.js';

/** Tables of the mail domain's migrations. */
export type MailTables = InboundMailTables & OutboundMailTables;
