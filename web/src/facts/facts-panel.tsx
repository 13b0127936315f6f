import { Badge, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useQuery } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { api } from '../api/api-client.js';

type Fact = { kind: string; value: string; normalized: string; name?: string; message?: string };

/** KBs, error codes with their meanings, hashes and paths seen in the case's mail and logs. */
export function FactsPanel({ number }: { number: string }) {
  const { t } = useTranslation();
  const facts = useQuery({
    queryKey: ['case-facts', number],
    queryFn: () => api<{ facts: Fact[] }>(`/cases/${encodeURIComponent(number)}/facts`),
    refetchInterval: 30_000,
  });
  const items = facts.data?.facts ?? [];
  if (items.length === 0) return null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="facts-title">
      <Title order={2} size="h4" id="facts-title" mb="xs">
        {t('facts.title')}
      </Title>
      <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {items.map((f) => (
          <li key={`${f.kind}-${f.normalized}`}>
            <Group gap={6} wrap="nowrap" align="flex-start">
              <Badge variant="outline" color="dark" radius="sm" size="sm" tt="none" style={{ flexShrink: 0 }}>
                {f.kind}
              </Badge>
              <Text size="sm" ff="monospace" style={{ overflowWrap: 'anywhere' }}>
                {f.value}
              </Text>
            </Group>
            {(f.name || f.message) && (
              <Text size="xs" c="dimmed">
                {[f.name, f.message].filter(Boolean).join(' — ')}
              </Text>
            )}
          </li>
        ))}
      </Stack>
    </Paper>
  );
}
