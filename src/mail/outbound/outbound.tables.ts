/** Tables of the outbound-mail migration (outbox). */
// biome-ignore lint/complexity/noBannedTypes: filled in with the outbound-mail migration.
export type OutboundMailTables = {};
