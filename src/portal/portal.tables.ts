import type { ColumnType } from 'kysely';

type CreatedAt = ColumnType<Date, Date | string | undefined, never>;
type Timestamp = ColumnType<Date, Date | string, Date | string>;
type MaybeTime = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;

export type PortalAccessTable = {
  contact_id: string;
  password_hash: ColumnType<string | null, string | null | undefined, string | null>;
  disabled_at: MaybeTime;
  disabled_by: ColumnType<string | null, string | null | undefined, string | null>;
  updated_at: ColumnType<Date, Date | string | undefined, Date | string>;
};

export type PortalSessionsTable = {
  id: string;
  contact_id: string;
  created_at: CreatedAt;
  expires_at: Timestamp;
};

export type PortalLoginLinksTable = {
  id: string;
  contact_id: string;
  created_at: Timestamp;
  expires_at: Timestamp;
  used_at: MaybeTime;
};

/** Tables of migration 008_portal.sql. */
export type PortalTables = {
  portal_access: PortalAccessTable;
  portal_sessions: PortalSessionsTable;
  portal_login_links: PortalLoginLinksTable;
};
