import { ActionIcon, Indicator, Menu, Text } from '@mantine/core';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { useTranslation } from 'react-i18next';
import { useNavigate } from 'react-router';
import { api } from '../api/api-client.js';
import type { AppNotification } from '../api/api-types.js';
import { formatTime } from '../shared/format-time.js';

export function NotificationsMenu() {
  const { t, i18n } = useTranslation();
  const navigate = useNavigate();
  const client = useQueryClient();
  const list = useQuery({
    queryKey: ['notifications'],
    queryFn: () => api<AppNotification[]>('/notifications?limit=20'),
    refetchInterval: 30_000,
  });
  const markRead = useMutation({
    mutationFn: (id: string) => api<null>(`/notifications/${id}/read`, { method: 'POST' }),
    onSuccess: () => client.invalidateQueries({ queryKey: ['notifications'] }),
  });
  const items = list.data ?? [];
  const unread = items.filter((n) => !n.readAt).length;

  return (
    <Menu position="bottom-end" width={320} withinPortal>
      <Menu.Target>
        {/* The button itself is the menu target, so the popup attributes land on a button. */}
        <ActionIcon variant="subtle" size="lg" aria-label={t('notifications.unread', { count: unread })}>
          <Indicator label={unread} size={16} disabled={unread === 0} color="red.9">
            <BellIcon />
          </Indicator>
        </ActionIcon>
      </Menu.Target>
      <Menu.Dropdown>
        <Menu.Label>{t('notifications.title')}</Menu.Label>
        {items.length === 0 && (
          <Text size="sm" c="dimmed" px="sm" py="xs">
            {t('notifications.none')}
          </Text>
        )}
        {items.map((n) => (
          <Menu.Item
            key={n.id}
            onClick={() => {
              if (!n.readAt) markRead.mutate(n.id);
              if (n.caseNumber) navigate(`/cases/${n.caseNumber}`);
            }}
          >
            <Text size="sm" fw={n.readAt ? 400 : 600}>
              {n.message}
            </Text>
            <Text size="xs" c="dimmed">
              {n.caseNumber ? `${n.caseNumber} · ` : ''}
              {formatTime(n.createdAt, i18n.language, { style: 'short' })}
            </Text>
          </Menu.Item>
        ))}
      </Menu.Dropdown>
    </Menu>
  );
}

function BellIcon() {
  return (
    <svg
      width="20"
      height="20"
      viewBox="0 0 24 24"
      fill="none"
      stroke="currentColor"
      strokeWidth="2"
      aria-hidden="true"
    >
      <path d="M18 8a6 6 0 0 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
      <path d="M13.73 21a2 2 0 0 1-3.46 0" />
    </svg>
  );
}
