import { Button, Group, MultiSelect, Select, TextInput } from '@mantine/core';
import { useDebouncedCallback } from '@mantine/hooks';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { type Priority, priorityList, type Status, statusList } from '../api/api-types.js';
import { useAccounts, useEngineers } from '../api/shared-queries.js';
import type { CaseFilters } from './queue-filters.js';

const ANYONE = '__anyone__';

export function QueueFilterBar({
  filters,
  onChange,
}: {
  filters: CaseFilters;
  onChange: (next: CaseFilters) => void;
}) {
  const { t } = useTranslation();
  const accounts = useAccounts();
  const engineers = useEngineers();
  const [q, setQ] = useState(filters.q);
  useEffect(() => setQ(filters.q), [filters.q]);
  const pushQ = useDebouncedCallback((value: string) => onChange({ ...filters, q: value, page: 1 }), 300);

  const ownerOptions = [
    { value: ANYONE, label: t('queue.anyOwner') },
    { value: 'me', label: t('queue.me') },
    { value: 'none', label: t('queue.nobody') },
    ...(engineers.data ?? []).map((e) => ({ value: e.name, label: e.name })),
  ];

  return (
    <Group gap="sm" align="flex-end" role="group" aria-label={t('queue.filters')}>
      <TextInput
        label={t('queue.search')}
        type="search"
        value={q}
        onChange={(e) => {
          setQ(e.currentTarget.value);
          pushQ(e.currentTarget.value.trim());
        }}
        w={220}
      />
      <MultiSelect
        label={t('queue.status')}
        data={statusList.map((s) => ({ value: s, label: t(`status.${s}`) }))}
        value={filters.status}
        onChange={(v) => onChange({ ...filters, status: v as Status[], page: 1 })}
        clearable
        w={260}
      />
      <MultiSelect
        label={t('queue.priority')}
        data={[...priorityList]}
        value={filters.priority}
        onChange={(v) => onChange({ ...filters, priority: v as Priority[], page: 1 })}
        clearable
        w={160}
      />
      <Select
        label={t('queue.account')}
        data={(accounts.data ?? []).map((a) => a.name)}
        value={filters.account}
        onChange={(v) => onChange({ ...filters, account: v, page: 1 })}
        searchable
        clearable
        w={160}
      />
      <Select
        label={t('queue.owner')}
        data={ownerOptions}
        value={filters.owner ?? ANYONE}
        onChange={(v) => onChange({ ...filters, owner: v === ANYONE ? null : v, page: 1 })}
        allowDeselect={false}
        w={160}
      />
      <Button
        variant="subtle"
        onClick={() => onChange({ status: [], priority: [], account: null, owner: null, q: '', page: 1 })}
      >
        {t('queue.clear')}
      </Button>
    </Group>
  );
}
