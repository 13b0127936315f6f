import {
  Badge,
  Button,
  Checkbox,
  Group,
  NumberInput,
  Paper,
  PasswordInput,
  Select,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import {
  adminKeys,
  type MailSettings,
  type TestMailResult,
  useAdminMutation,
  useMailSettings,
} from './admin-api.js';
import { AdminPage, SavedNote, SaveError } from './admin-only.js';
import { ImapMailboxesForm } from './imap-mailboxes-form.js';
import { SourceBadge, useSaveMailSettings } from './mail-shared.js';
import { MailStatus } from './mail-status.js';

export function MailSettingsPage() {
  const { t } = useTranslation();
  return (
    <AdminPage title={t('admin.mail.title')}>
      <MailAdmin />
    </AdminPage>
  );
}

function MailAdmin() {
  const { t } = useTranslation();
  const settings = useMailSettings();
  if (settings.isPending) return <PageLoaderInline />;
  if (settings.isError) return <ErrorNotice error={settings.error} />;
  return (
    <>
      <Text size="sm" c="dimmed">
        {t('admin.mail.precedence')}
      </Text>
      <OutboundForm settings={settings.data} />
      <TestMailForm configured={settings.data.outbound.configured} />
      <ImapMailboxesForm settings={settings.data} />
      <MailStatus settings={settings.data} onRefresh={() => void settings.refetch()} />
    </>
  );
}

function OutboundForm({ settings }: { settings: MailSettings }) {
  const { t } = useTranslation();
  const o = settings.outbound;
  const [host, setHost] = useState(o.host ?? '');
  const [port, setPort] = useState<number | string>(o.port ?? '');
  const [tls, setTls] = useState(o.tls ?? 'starttls');
  const [user, setUser] = useState(o.user ?? '');
  const [password, setPassword] = useState('');
  const [clearPassword, setClearPassword] = useState(false);
  const [from, setFrom] = useState(settings.from.value ?? '');
  const save = useSaveMailSettings();
  // After a save the fields show what is now in force (e.g. the environment's values after a reset).
  const reset = (next: MailSettings) => {
    setHost(next.outbound.host ?? '');
    setPort(next.outbound.port ?? '');
    setTls(next.outbound.tls ?? 'starttls');
    setUser(next.outbound.user ?? '');
    setPassword('');
    setClearPassword(false);
    setFrom(next.from.value ?? '');
  };
  const submit = (e: FormEvent) => {
    e.preventDefault();
    const outbound = host.trim()
      ? {
          host: host.trim(),
          tls,
          ...(typeof port === 'number' ? { port } : {}),
          user: user.trim() || null,
          // Left out: the server keeps the password it has.
          ...(clearPassword ? { password: null } : password ? { password } : {}),
        }
      : null;
    save.mutate({ outbound, from: from.trim() || null }, { onSuccess: reset });
  };
  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-labelledby="smtp-out">
      <Group gap="sm" mb="sm">
        <Title order={2} size="h4" id="smtp-out">
          {t('admin.mail.outbound')}
        </Title>
        <SourceBadge source={o.source} />
        {!o.configured && <Badge color="red.9">{t('admin.mail.notConfigured')}</Badge>}
      </Group>
      <Group gap="sm" align="flex-end">
        <TextInput
          label={t('admin.mail.host')}
          description={t('admin.mail.hostHint')}
          value={host}
          onChange={(e) => setHost(e.currentTarget.value)}
        />
        <NumberInput
          label={t('admin.mail.port')}
          value={port}
          onChange={setPort}
          min={1}
          max={65535}
          w={110}
        />
        <Select
          label={t('admin.mail.tls')}
          w={210}
          data={(['starttls', 'tls', 'opportunistic', 'none'] as const).map((v) => ({
            value: v,
            label: t(`admin.mail.tlsMode.${v}`),
          }))}
          value={tls}
          onChange={(v) => v && setTls(v as typeof tls)}
          allowDeselect={false}
        />
        <TextInput
          label={t('admin.mail.user')}
          value={user}
          onChange={(e) => setUser(e.currentTarget.value)}
        />
        <PasswordInput
          label={t('admin.mail.password')}
          description={o.passwordSet ? t('admin.mail.passwordSet') : t('admin.mail.passwordNotSet')}
          placeholder={o.passwordSet ? t('admin.mail.unchanged') : ''}
          value={password}
          onChange={(e) => setPassword(e.currentTarget.value)}
          autoComplete="new-password"
          disabled={clearPassword}
          w={200}
        />
        {o.passwordSet && (
          <Checkbox
            label={t('admin.mail.clearPassword')}
            checked={clearPassword}
            onChange={(e) => setClearPassword(e.currentTarget.checked)}
          />
        )}
      </Group>
      <Group gap="sm" align="flex-end" mt="sm">
        <TextInput
          label={t('admin.mail.from')}
          description={t('admin.mail.fromHint', { address: settings.from.address })}
          value={from}
          onChange={(e) => setFrom(e.currentTarget.value)}
          w={340}
        />
        <SourceBadge source={settings.from.source} />
      </Group>
      <Group gap="sm" mt="sm">
        <Button type="submit" loading={save.isPending}>
          {t('admin.save')}
        </Button>
        {(o.source === 'stored' || settings.from.source === 'stored') && (
          <Button
            variant="subtle"
            onClick={() => save.mutate({ outbound: null, from: null }, { onSuccess: reset })}
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

function TestMailForm({ configured }: { configured: boolean }) {
  const { t } = useTranslation();
  const [to, setTo] = useState('');
  const send = useAdminMutation(
    (address: string) =>
      api<TestMailResult>('/mail/settings/test', { method: 'POST', body: { to: address } }),
    [adminKeys.mail],
  );
  return (
    <Paper
      withBorder
      p="md"
      radius="md"
      component="form"
      aria-labelledby="test-mail"
      onSubmit={(e: FormEvent) => {
        e.preventDefault();
        send.mutate(to.trim());
      }}
    >
      <Title order={2} size="h4" id="test-mail" mb="sm">
        {t('admin.mail.test')}
      </Title>
      <Group gap="sm" align="flex-end">
        <TextInput
          label={t('admin.mail.testTo')}
          type="email"
          value={to}
          onChange={(e) => setTo(e.currentTarget.value)}
          required
        />
        <Button type="submit" variant="light" disabled={!configured} loading={send.isPending}>
          {t('admin.mail.sendTest')}
        </Button>
      </Group>
      <SaveError error={send.error} />
      <div role="status" aria-live="polite">
        {send.data && (
          <Text size="sm" mt="xs" c={send.data.sent ? 'teal.9' : 'red.9'}>
            {send.data.sent
              ? t('admin.mail.testSent', { server: send.data.server, response: send.data.response ?? '' })
              : t('admin.mail.testFailed', { server: send.data.server, error: send.data.error ?? '' })}
          </Text>
        )}
      </div>
    </Paper>
  );
}
