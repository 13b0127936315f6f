/** Tables of the inbound-mail migration (raw message store, IMAP cursors, review queue). */
// biome-ignore lint/complexity/noBannedTypes: filled in with the inbound-mail migration.
export type InboundMailTables = {};
