import { Badge } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import type { Priority, Status } from '../api/api-types.js';

// Filled badges in dark shades keep white text above 4.5:1 contrast.
const priorityColor: Record<Priority, string> = { P1: 'red.9', P2: '#a33b00', P3: 'indigo.8', P4: 'gray.7' };
const statusColor: Record<Status, string> = {
  new: 'blue.9',
  in_progress: 'indigo.8',
  waiting_for_customer: 'grape.9',
  resolved: 'teal.9',
  closed: 'gray.7',
};

export function PriorityBadge({ priority }: { priority: Priority }) {
  return (
    <Badge color={priorityColor[priority]} variant="filled" radius="sm">
      {priority}
    </Badge>
  );
}

export function StatusBadge({ status }: { status: Status }) {
  const { t } = useTranslation();
  return (
    <Badge color={statusColor[status]} variant="filled" radius="sm" tt="none">
      {t(`status.${status}`)}
    </Badge>
  );
}
