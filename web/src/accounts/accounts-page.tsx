import { Alert, Anchor, Button, Group, Paper, Stack, Table, Text, TextInput, Title } from '@mantine/core';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import { api } from '../api/api-client.js';
import type { Account } from '../api/api-types.js';
import { useAccounts } from '../api/shared-queries.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { PageLoaderInline } from '../shared/page-loader.js';

export function AccountsPage() {
  const { t } = useTranslation();
  const accounts = useAccounts();
  return (
    <Stack gap="md">
      <Title order={1} size="h2">
        {t('accounts.title')}
      </Title>
      <AddAccountForm />
      {accounts.isPending && <PageLoaderInline />}
      {accounts.isError && <ErrorNotice error={accounts.error} onRetry={() => void accounts.refetch()} />}
      {accounts.data?.length === 0 && <Text c="dimmed">{t('accounts.none')}</Text>}
      {accounts.data && accounts.data.length > 0 && (
        <Table.ScrollContainer minWidth={520}>
          <Table striped>
            <Table.Thead>
              <Table.Tr>
                <Table.Th scope="col">{t('accounts.name')}</Table.Th>
                <Table.Th scope="col">{t('accounts.fullName')}</Table.Th>
                <Table.Th scope="col">{t('accounts.domains')}</Table.Th>
              </Table.Tr>
            </Table.Thead>
            <Table.Tbody>
              {accounts.data.map((a) => (
                <Table.Tr key={a.id}>
                  <Table.Td>
                    <Anchor component={Link} to={`/accounts/${encodeURIComponent(a.name)}`}>
                      {a.name}
                    </Anchor>
                  </Table.Td>
                  <Table.Td>{a.fullName ?? '—'}</Table.Td>
                  <Table.Td>{a.domains.join(', ') || '—'}</Table.Td>
                </Table.Tr>
              ))}
            </Table.Tbody>
          </Table>
        </Table.ScrollContainer>
      )}
    </Stack>
  );
}

export const splitList = (text: string): string[] =>
  text
    .split(/[,，\s]+/)
    .map((s) => s.trim())
    .filter(Boolean);

function AddAccountForm() {
  const { t } = useTranslation();
  const client = useQueryClient();
  const [name, setName] = useState('');
  const [fullName, setFullName] = useState('');
  const [domains, setDomains] = useState('');
  const create = useMutation({
    mutationFn: (body: { name: string; fullName?: string; domains: string[] }) =>
      api<Account>('/accounts', { method: 'POST', body }),
    onSuccess: () => {
      setName('');
      setFullName('');
      setDomains('');
      return client.invalidateQueries({ queryKey: ['accounts'] });
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    create.mutate({
      name: name.trim(),
      ...(fullName.trim() ? { fullName: fullName.trim() } : {}),
      domains: splitList(domains),
    });
  };
  return (
    <Paper withBorder p="md" radius="md" component="form" onSubmit={submit} aria-label={t('accounts.add')}>
      <Group align="flex-end" gap="sm">
        <TextInput
          label={t('accounts.name')}
          value={name}
          onChange={(e) => setName(e.currentTarget.value)}
          required
        />
        <TextInput
          label={t('accounts.fullName')}
          value={fullName}
          onChange={(e) => setFullName(e.currentTarget.value)}
        />
        <TextInput
          label={t('accounts.domains')}
          description={t('accounts.domainsHint')}
          value={domains}
          onChange={(e) => setDomains(e.currentTarget.value)}
        />
        <Button type="submit" loading={create.isPending}>
          {t('accounts.add')}
        </Button>
      </Group>
      {create.error && (
        <Alert color="red" role="alert" mt="sm">
          {t('app.error', { message: create.error.message })}
        </Alert>
      )}
      <Text size="xs" c="teal.9" role="status" mt={4}>
        {create.data ? t('accounts.created', { name: create.data.name }) : ''}
      </Text>
    </Paper>
  );
}
