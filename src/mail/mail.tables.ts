/** Tables of the mail domain's migrations (inbound store, threading, outbox). */
// biome-ignore lint/complexity/noBannedTypes: filled in as the mail migrations land.
export type MailTables = {};
