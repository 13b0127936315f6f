import {
  Button,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  Select,
  Stack,
  Switch,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { MailSettings, MailSettingsInput } from './admin-api.js';
import { SavedNote, SaveError } from './admin-only.js';
import { SourceBadge, useSaveMailSettings } from './mail-shared.js';

type Row = {
  rowKey: string;
  id?: string;
  enabled: boolean;
  name: string;
  host: string;
  port: number | string;
  tls: boolean;
  user: string;
  password: string;
  passwordSet: boolean;
  mailbox: string;
  afterProcessing: 'flag' | 'move';
  moveTo: string;
};

const rowsOf = (settings: MailSettings): Row[] =>
  settings.imap.mailboxes.map((m) => ({
    rowKey: m.id,
    id: m.id,
    enabled: m.enabled,
    name: m.name ?? '',
    host: m.host,
    port: m.port,
    tls: m.tls,
    user: m.user,
    password: '',
    passwordSet: m.passwordSet,
    mailbox: m.mailbox,
    afterProcessing: m.afterProcessing,
    moveTo: m.moveTo ?? '',
  }));

let counter = 0;
const blank = (): Row => ({
  rowKey: `new-${++counter}`,
  enabled: true,
  name: '',
  host: '',
  port: '',
  tls: true,
  user: '',
  password: '',
  passwordSet: false,
  mailbox: 'INBOX',
  afterProcessing: 'flag',
  moveTo: '',
});

/** The IMAP mailboxes CaseDesk polls; saved as one list (pollers of changed mailboxes restart). */
export function ImapMailboxesForm({ settings }: { settings: MailSettings }) {
  const { t } = useTranslation();
  const [rows, setRows] = useState<Row[]>(() => rowsOf(settings));
  const save = useSaveMailSettings();
  const change = (key: string, patch: Partial<Row>) =>
    setRows((all) => all.map((r) => (r.rowKey === key ? { ...r, ...patch } : r)));
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const imapMailboxes: NonNullable<MailSettingsInput['imapMailboxes']> = rows.map((r) => ({
      ...(r.id ? { id: r.id } : {}),
      enabled: r.enabled,
      name: r.name.trim() || null,
      host: r.host.trim(),
      ...(typeof r.port === 'number' ? { port: r.port } : {}),
      tls: r.tls,
      user: r.user.trim(),
      ...(r.password ? { password: r.password } : {}),
      mailbox: r.mailbox.trim() || 'INBOX',
      afterProcessing: r.afterProcessing,
      ...(r.afterProcessing === 'move' ? { moveTo: r.moveTo.trim() } : {}),
    }));
    save.mutate({ imapMailboxes }, { onSuccess: (next) => setRows(rowsOf(next)) });
  };
  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-labelledby="imap-boxes">
      <Group gap="sm" mb="sm">
        <Title order={2} size="h4" id="imap-boxes">
          {t('admin.mail.imap')}
        </Title>
        <SourceBadge source={settings.imap.source} />
      </Group>
      <Stack gap="md">
        {rows.length === 0 && <Text size="sm">{t('admin.mail.noMailboxes')}</Text>}
        {rows.map((r, i) => (
          <fieldset
            key={r.rowKey}
            style={{ border: '1px solid var(--mantine-color-gray-4)', borderRadius: 6, padding: 12 }}
          >
            <legend>{t('admin.mail.mailboxN', { n: i + 1 })}</legend>
            <Group gap="sm" align="flex-end">
              <Switch
                label={t('admin.mail.enabled')}
                checked={r.enabled}
                onChange={(e) => change(r.rowKey, { enabled: e.currentTarget.checked })}
              />
              <TextInput
                label={t('admin.mail.boxName')}
                value={r.name}
                onChange={(e) => change(r.rowKey, { name: e.currentTarget.value })}
              />
              <TextInput
                label={t('admin.mail.host')}
                value={r.host}
                required
                onChange={(e) => change(r.rowKey, { host: e.currentTarget.value })}
              />
              <NumberInput
                label={t('admin.mail.port')}
                value={r.port}
                min={1}
                max={65535}
                w={100}
                onChange={(v) => change(r.rowKey, { port: v })}
              />
              <Switch
                label={t('admin.mail.imapTls')}
                checked={r.tls}
                onChange={(e) => change(r.rowKey, { tls: e.currentTarget.checked })}
              />
              <TextInput
                label={t('admin.mail.user')}
                value={r.user}
                required
                onChange={(e) => change(r.rowKey, { user: e.currentTarget.value })}
              />
              <PasswordInput
                label={t('admin.mail.password')}
                placeholder={r.passwordSet ? t('admin.mail.unchanged') : ''}
                description={r.passwordSet ? t('admin.mail.passwordSet') : t('admin.mail.passwordNotSet')}
                value={r.password}
                required={!r.passwordSet}
                autoComplete="new-password"
                onChange={(e) => change(r.rowKey, { password: e.currentTarget.value })}
              />
              <TextInput
                label={t('admin.mail.folder')}
                value={r.mailbox}
                onChange={(e) => change(r.rowKey, { mailbox: e.currentTarget.value })}
              />
              <Select
                label={t('admin.mail.after')}
                w={170}
                data={[
                  { value: 'flag', label: t('admin.mail.afterFlag') },
                  { value: 'move', label: t('admin.mail.afterMove') },
                ]}
                value={r.afterProcessing}
                onChange={(v) => change(r.rowKey, { afterProcessing: v === 'move' ? 'move' : 'flag' })}
                allowDeselect={false}
              />
              {r.afterProcessing === 'move' && (
                <TextInput
                  label={t('admin.mail.moveTo')}
                  value={r.moveTo}
                  required
                  onChange={(e) => change(r.rowKey, { moveTo: e.currentTarget.value })}
                />
              )}
              <Button
                variant="filled"
                color="red.9"
                onClick={() => setRows((all) => all.filter((x) => x.rowKey !== r.rowKey))}
                aria-label={t('admin.mail.removeMailbox', { n: i + 1 })}
              >
                {t('admin.remove')}
              </Button>
            </Group>
          </fieldset>
        ))}
      </Stack>
      <Group gap="sm" mt="sm">
        <Button variant="light" onClick={() => setRows((all) => [...all, blank()])}>
          {t('admin.mail.addMailbox')}
        </Button>
        <Button type="submit" loading={save.isPending}>
          {t('admin.mail.saveMailboxes')}
        </Button>
        {settings.imap.source === 'stored' && (
          <Button
            variant="subtle"
            onClick={() =>
              save.mutate({ imapMailboxes: null }, { onSuccess: (next) => setRows(rowsOf(next)) })
            }
          >
            {t('admin.mail.useEnvironment')}
          </Button>
        )}
      </Group>
      <SaveError error={save.error} />
      <SavedNote text={save.isSuccess ? t('admin.mail.saved') : null} />
    </Paper>
  );
}
