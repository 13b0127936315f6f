import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link, useParams } from 'react-router';
import { api, queryString } from '../api/api-client.js';
import type { Account, CasePage, Contact } from '../api/api-types.js';
import { useContacts } from '../api/shared-queries.js';
import { ContactPortalAccess } from '../portal/contact-portal-access.js';
import { PriorityBadge, StatusBadge } from '../shared/badges.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { PageLoaderInline } from '../shared/page-loader.js';

export function AccountPage() {
  const { t } = useTranslation();
  const name = useParams().name ?? '';
  const account = useQuery({
    queryKey: ['account', name],
    queryFn: () => api<Account>(`/accounts/${encodeURIComponent(name)}`),
  });
  const contacts = useContacts(name);
  const cases = useQuery({
    queryKey: ['cases', { account: name }],
    queryFn: () => api<CasePage>(`/cases${queryString({ account: name, pageSize: 50 })}`),
  });
  if (account.isPending) return <PageLoaderInline />;
  if (account.isError) return <ErrorNotice error={account.error} />;
  const a = account.data;
  return (
    <Stack gap="md">
      <div>
        <Title order={1} size="h2">
          {a.name}
        </Title>
        <Text c="dimmed">{[a.fullName, a.domains.join(', ')].filter(Boolean).join(' · ')}</Text>
      </div>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="contacts-title">
        <Title order={2} size="h4" id="contacts-title" mb="sm">
          {t('accounts.contacts')}
        </Title>
        {contacts.data?.length === 0 && <Text c="dimmed">{t('accounts.noContacts')}</Text>}
        {contacts.data && contacts.data.length > 0 && (
          <Table.ScrollContainer minWidth={720}>
            <Table>
              <Table.Thead>
                <Table.Tr>
                  <Table.Th scope="col">{t('accounts.name')}</Table.Th>
                  <Table.Th scope="col">{t('accounts.email')}</Table.Th>
                  <Table.Th scope="col">{t('accounts.phone')}</Table.Th>
                  <Table.Th scope="col">{t('portal.admin.column')}</Table.Th>
                </Table.Tr>
              </Table.Thead>
              <Table.Tbody>
                {contacts.data.map((c) => (
                  <Table.Tr key={c.id}>
                    <Table.Td>{c.name}</Table.Td>
                    <Table.Td>{c.email ?? '—'}</Table.Td>
                    <Table.Td>{c.phone ?? '—'}</Table.Td>
                    <Table.Td>
                      <ContactPortalAccess account={a.name} contact={c} />
                    </Table.Td>
                  </Table.Tr>
                ))}
              </Table.Tbody>
            </Table>
          </Table.ScrollContainer>
        )}
        <AddContactForm account={a.name} />
      </Paper>
      <Paper withBorder p="md" radius="md" component="section" aria-labelledby="account-cases-title">
        <Title order={2} size="h4" id="account-cases-title" mb="sm">
          {t('accounts.cases')}
        </Title>
        <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {(cases.data?.items ?? []).map((c) => (
            <Group component="li" key={c.id} gap="xs" wrap="nowrap">
              <Anchor component={Link} to={`/cases/${c.number}`} ff="monospace" size="sm">
                {c.number}
              </Anchor>
              <PriorityBadge priority={c.priority} />
              <StatusBadge status={c.status} />
              <Text size="sm" truncate>
                {c.title}
              </Text>
            </Group>
          ))}
        </Stack>
      </Paper>
    </Stack>
  );
}

function AddContactForm({ account }: { account: string }) {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [phone, setPhone] = useState('');
  const create = useMutation({
    mutationFn: (body: { account: string; name: string; email?: string; phone?: string }) =>
      api<Contact>('/contacts', { method: 'POST', body }),
    onSuccess: () => {
      setName('');
      setEmail('');
      setPhone('');
      return client.invalidateQueries({ queryKey: ['contacts'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      account,
      name: name.trim(),
      ...(email.trim() ? { email: email.trim() } : {}),
      ...(phone.trim() ? { phone: phone.trim() } : {}),
    });
  };
  return (
    <form onSubmit={submit} aria-label={t('accounts.addContact')}>
      <Group align="flex-end" gap="sm" mt="md">
        <TextInput
          label={t('accounts.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <TextInput
          label={t('accounts.email')}
          type="email"
          value={email}
          onChange={(e) => setEmail(e.currentTarget.value)}
        />
        <TextInput
          label={t('accounts.phone')}
          value={phone}
          onChange={(e) => setPhone(e.currentTarget.value)}
        />
        <Button type="submit" loading={create.isPending}>
          {t('accounts.addContact')}
        </Button>
      </Group>
      {create.error && (
        <Alert color="red" role="alert" mt="sm">
          {t('app.error', { message: create.error.message })}
        </Alert>
      )}
    </form>
  );
}
