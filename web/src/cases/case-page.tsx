import { Alert, Grid, Stack, Text } from '@mantine/core';
import { useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useParams } from 'react-router';
import { ApiError } from '../api/api-client.js';
import { useFeature } from '../api/capabilities.js';
import { FactsPanel } from '../facts/facts-panel.js';
import { ReplyComposer } from '../mail/reply-composer.js';
import { ErrorNotice } from '../shared/error-notice.js';
import { formatTime } from '../shared/format-time.js';
import { PageLoaderInline } from '../shared/page-loader.js';
import { SlaPanel } from '../sla/sla-panel.js';
import { ClosurePanel } from '../workflow/closure-panel.js';
import { ScopePanel } from '../workflow/scope-panel.js';
import { UploadWorkspaces } from '../workflow/upload-workspaces.js';
import { useWorkflowFeatures } from '../workflow/use-workflow.js';
import { RelatedCases, WorkflowPanel } from '../workflow/workflow-panel.js';
import { SideColumn } from './after-first-paint.js';
import { CaseActions } from './case-actions.js';
import { CaseHeader } from './case-header.js';
import { CaseParticipants } from './case-participants.js';
import { CaseTimeline } from './case-timeline.js';
import { useCase } from './use-case.js';

export function CasePage() {
  const { t, i18n } = useTranslation();
  const number = (useParams().number ?? '').toUpperCase();
  const query = useCase(number);
  const fresh = useNewActivity(query.data?.timeline.length);
  const canReply = useFeature('replies');
  const hasSla = useFeature('caseSla');
  const hasFacts = useFeature('facts');
  const workflow = useWorkflowFeatures();

  useEffect(() => {
    if (query.data) document.title = `${query.data.number} · ${query.data.title} · CaseDesk`;
    return () => {
      document.title = 'CaseDesk';
    };
  }, [query.data]);

  if (query.isPending) return <PageLoaderInline />;
  if (query.isError) {
    if (query.error instanceof ApiError && query.error.status === 404)
      return (
        <Alert color="red" role="alert">
          {t('case.notFound', { number })}
        </Alert>
      );
    return <ErrorNotice error={query.error} onRetry={() => void query.refetch()} />;
  }
  const detail = query.data;
  return (
    <Stack gap="md">
      <CaseHeader detail={detail} />
      <Text size="xs" c="dimmed" role="status" aria-live="polite">
        {fresh ? t('case.newActivity') : ''}{' '}
        {t('case.live', {
          time: formatTime(new Date(query.dataUpdatedAt).toISOString(), i18n.language, { style: 'short' }),
        })}
      </Text>
      {detail.status === 'closed' && <ClosurePanel detail={detail} />}
      {(workflow.scope || detail.scope) && <ScopePanel detail={detail} />}
      <Grid gutter="md">
        <SideColumn>
          <Stack gap="md">
            <CaseActions
              detail={detail}
              extraTabs={
                canReply
                  ? [{ value: 'reply', label: t('actions.reply'), panel: <ReplyComposer detail={detail} /> }]
                  : []
              }
            />
            <WorkflowPanel detail={detail} />
            <RelatedCases number={detail.number} />
            <UploadWorkspaces number={detail.number} closed={detail.status === 'closed'} />
            {hasSla && <SlaPanel number={detail.number} />}
            {hasFacts && <FactsPanel number={detail.number} />}
            <CaseParticipants detail={detail} />
          </Stack>
        </SideColumn>
        <Grid.Col span={{ base: 12, md: 8 }} order={{ base: 2, md: 1 }}>
          <CaseTimeline timeline={detail.timeline} />
        </Grid.Col>
      </Grid>
    </Stack>
  );
}

/** True for a few seconds after the timeline grew while the page was open (live updates). */
function useNewActivity(count: number | undefined): boolean {
  const last = useRef<number | undefined>(undefined);
  const [fresh, setFresh] = useState(false);
  useEffect(() => {
    if (count === undefined) return;
    const grew = last.current !== undefined && count > last.current;
    last.current = count;
    if (!grew) return;
    setFresh(true);
    const timer = setTimeout(() => setFresh(false), 8_000);
    return () => clearTimeout(timer);
  }, [count]);
  return fresh;
}
