import { Badge, Button, Group, Paper, Stack, Table, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatTime } from '../shared/format-time.js';
import type { MailSettings } from './admin-api.js';
import { ScrollTable } from './admin-only.js';
import { OutboxCounts } from './mail-shared.js';

/** Read-only: the SMTP listener, each IMAP mailbox's cursor and last poll, outbox counts. */
export function MailStatus({ settings, onRefresh }: { settings: MailSettings; onRefresh: () => void }) {
  const { t, i18n } = useTranslation();
  const l = settings.listener;
  const when = (iso: string | null) => formatTime(iso, i18n.language);
  return (
    <Paper component="section" withBorder p="md" radius="md" aria-labelledby="mail-status">
      <Group gap="sm" mb="sm" justify="space-between">
        <Title order={2} size="h4" id="mail-status">
          {t('admin.mail.status')}
        </Title>
        <Button size="xs" variant="subtle" onClick={onRefresh}>
          {t('admin.refresh')}
        </Button>
      </Group>
      <Stack gap="sm">
        <Text size="sm">
          {l.enabled
            ? t('admin.mail.listenerOn', {
                host: l.host,
                port: l.port,
                recipients: l.recipients.length ? l.recipients.join(', ') : t('admin.mail.anyRecipient'),
              })
            : t('admin.mail.listenerOff')}
        </Text>
        <OutboxCounts counts={settings.outbox} />
        <ScrollTable minWidth={640} label={t('admin.mail.cursors')}>
          <Table striped>
            <Table.Caption>{t('admin.mail.cursors')}</Table.Caption>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('admin.mail.mailbox')}</Table.Th>
                <Table.Th scope="col">{t('admin.mail.poller')}</Table.Th>
                <Table.Th scope="col">UIDVALIDITY</Table.Th>
                <Table.Th scope="col">{t('admin.mail.lastUid')}</Table.Th>
                <Table.Th scope="col">{t('admin.mail.lastPoll')}</Table.Th>
                <Table.Th scope="col">{t('admin.mail.lastError')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {settings.imap.mailboxes.length === 0 && (
                <Table.Tr>
                  <Table.Td colSpan={6}>{t('admin.mail.noMailboxes')}</Table.Td>
                </Table.Tr>
              )}
              {settings.imap.mailboxes.map((m) => (
                <Table.Tr key={m.id}>
                  <Table.Td>{m.label}</Table.Td>
                  <Table.Td>
                    <Badge color={m.status.running ? 'teal.9' : 'gray.7'}>
                      {m.status.running ? t('admin.mail.running') : t('admin.mail.stopped')}
                    </Badge>
                  </Table.Td>
                  <Table.Td>{m.status.uidValidity ?? '—'}</Table.Td>
                  <Table.Td>{m.status.lastUid ?? '—'}</Table.Td>
                  <Table.Td>{when(m.status.lastPollAt)}</Table.Td>
                  <Table.Td>
                    {m.status.lastError ? `${m.status.lastError} (${when(m.status.lastErrorAt)})` : '—'}
                  </Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </ScrollTable>
      </Stack>
    </Paper>
  );
}
