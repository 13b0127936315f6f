import type { WorkflowTables } from '../../kb/workflow.tables.js';
import type { MailTables } from '../../mail/mail.tables.js';
import type { MailSettingsTables } from '../../mail/settings/mail-settings.tables.js';
import type { PortalTables } from '../../portal/portal.tables.js';
import type { SlaTables } from '../../sla/sla.tables.js';
import type { UploadTables } from '../../uploads/uploads.tables.js';
import type { PlatformTables } from './platform.tables.js';
import type { CoreTables } from './schema.js';

/**
 * Kysely's view of the whole database: each domain declares the tables of its own migrations in
 * `<domain>/<domain>.tables.ts`, and they are joined here.
 */
export type DB = CoreTables &
  PlatformTables &
  MailTables &
  PortalTables &
  MailSettingsTables &
  SlaTables &
  UploadTables &
  WorkflowTables;
