import { ActionIcon, Badge, Button, Code, CopyButton, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { formatBytes } from '../cases/timeline-files.js';
import { formatTime } from '../shared/format-time.js';
import { ActionOutcome } from './action-outcome.js';
import {
  type OpenedWorkspace,
  type UploadWorkspace,
  useOpenWorkspace,
  useUploadedFiles,
  useWorkflowFeatures,
  useWorkspaces,
} from './use-workflow.js';

const stateColor: Record<UploadWorkspace['state'], string> = {
  active: 'teal.9',
  expired: 'gray.7',
  revoked: 'red.9',
};

// Inline icons: the console ships no icon font, and a glyph may be missing from the viewer's fonts.
const CopyIcon = () => (
  <svg
    width="14"
    height="14"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth="2"
    aria-hidden="true"
  >
    <rect x="9" y="9" width="12" height="12" rx="2" />
    <path d="M5 15V5a2 2 0 0 1 2-2h10" />
  </svg>
);
const CheckIcon = () => (
  <svg
    width="14"
    height="14"
    viewBox="0 0 24 24"
    fill="none"
    stroke="currentColor"
    strokeWidth="2"
    aria-hidden="true"
  >
    <path d="M4 12l5 5L20 6" />
  </svg>
);

/** A value with a copy button; the button's label names what it copies. */
function Copyable({ label, value }: { label: string; value: string }) {
  const { t } = useTranslation();
  return (
    <div>
      <Text size="xs" c="dimmed">
        {label}
      </Text>
      <Group gap={4} wrap="nowrap">
        <Code style={{ wordBreak: 'break-all' }}>{value}</Code>
        <CopyButton value={value}>
          {({ copied, copy }) => (
            <ActionIcon
              variant="subtle"
              size="sm"
              onClick={copy}
              aria-label={copied ? t('workflow.copied') : t('workflow.copy', { what: label })}
            >
              {copied ? <CheckIcon /> : <CopyIcon />}
            </ActionIcon>
          )}
        </CopyButton>
      </Group>
    </div>
  );
}

/** Opens upload workspaces for the customer's logs and lists them with the files uploaded. */
export function UploadWorkspaces({ number, closed }: { number: string; closed: boolean }) {
  const { t, i18n } = useTranslation();
  const features = useWorkflowFeatures();
  const workspaces = useWorkspaces(number, features.uploads);
  const files = useUploadedFiles(number, features.uploads);
  const open = useOpenWorkspace(number);
  if (!features.uploads) return null;
  const opened: OpenedWorkspace | undefined = open.data;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="uploads-title">
      <Title order={2} size="h4" id="uploads-title" mb="xs">
        {t('workflow.uploads')}
      </Title>
      {!closed && (
        <Button size="xs" variant="light" onClick={() => open.mutate({})} loading={open.isPending}>
          {t('workflow.openWorkspace')}
        </Button>
      )}
      <ActionOutcome mutation={open} success={t('workflow.workspaceOpened')} />
      {opened && (
        <Stack gap={6} mb="sm" data-testid="workspace-credentials">
          <Copyable label={t('workflow.uploadUrl')} value={opened.uploadUrl} />
          <Copyable label={t('workflow.uploadUser')} value={opened.user} />
          <Copyable label={t('workflow.uploadPassword')} value={opened.password} />
          <Text size="xs">
            {t('workflow.expires', { time: formatTime(opened.expiresAt, i18n.language) })}
          </Text>
        </Stack>
      )}
      {(workspaces.data ?? []).length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('workflow.noWorkspaces')}
        </Text>
      ) : (
        <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {(workspaces.data ?? []).map((w) => (
            <li key={w.id}>
              <Group gap="xs" justify="space-between" wrap="nowrap">
                <Text size="sm" ff="monospace">
                  {w.user}
                </Text>
                <Badge color={stateColor[w.state]} variant="filled" radius="sm" tt="none">
                  {t(`workflow.workspaceState.${w.state}`)}
                </Badge>
              </Group>
              <Text size="xs" c="dimmed">
                {t('workflow.expires', { time: formatTime(w.expiresAt, i18n.language, { style: 'short' }) })}
              </Text>
            </li>
          ))}
        </Stack>
      )}
      <Text size="sm" fw={600} mt="sm">
        {t('workflow.files')}
      </Text>
      {(files.data ?? []).length === 0 ? (
        <Text size="sm" c="dimmed">
          {t('workflow.noFiles')}
        </Text>
      ) : (
        <Stack gap={4} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
          {(files.data ?? []).map((f) => (
            <li key={f.id}>
              <Group gap="xs" wrap="nowrap" justify="space-between">
                {f.status === 'complete' ? (
                  <a href={`/api/v1/cases/${encodeURIComponent(number)}/uploads/${f.id}/content`} download>
                    {f.fileName}
                  </a>
                ) : (
                  <Text size="sm">{f.fileName}</Text>
                )}
                <Text size="xs" c="dimmed">
                  {formatBytes(f.size)} · {t(`workflow.fileStatus.${f.status}`)}
                </Text>
              </Group>
            </li>
          ))}
        </Stack>
      )}
    </Paper>
  );
}
