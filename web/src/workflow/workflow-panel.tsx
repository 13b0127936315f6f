import { Anchor, Badge, Button, Group, Paper, Stack, Text, Title } from '@mantine/core';
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';
import type { CaseDetail, CaseLink } from '../api/api-types.js';
import { StatusBadge } from '../shared/badges.js';
import { CloseDialog } from './close-dialog.js';
import { MergeDialog } from './merge-dialog.js';
import { SplitDialog } from './split-dialog.js';
import { useCaseLinks, useWorkflowFeatures } from './use-workflow.js';

type Dialog = 'close' | 'split' | 'merge' | null;
type Done = { kind: 'split' | 'merge'; number: string; count: number } | null;

const caseHref = (n: string) => `/cases/${encodeURIComponent(n)}`;

/** Close, split and merge an open case; each opens a dialog and reports what it did with a link. */
export function WorkflowPanel({ detail }: { detail: CaseDetail }) {
  const { t } = useTranslation();
  const features = useWorkflowFeatures();
  const [dialog, setDialog] = useState<Dialog>(null);
  const [done, setDone] = useState<Done>(null);
  const closed = detail.status === 'closed';
  // Closing or merging closes the case, which hides this panel before the dialog's own success
  // callback runs; forget the dialog so it does not pop up again when the case is reopened.
  useEffect(() => {
    if (closed) setDialog(null);
  }, [closed]);
  if (closed || !(features.close || features.split || features.merge)) return null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="workflow-title">
      <Title order={2} size="h4" id="workflow-title" mb="xs">
        {t('workflow.title')}
      </Title>
      <Group gap="xs">
        {features.close && (
          <Button size="xs" color="red.9" onClick={() => setDialog('close')}>
            {t('workflow.closeCase')}
          </Button>
        )}
        {features.split && (
          <Button size="xs" variant="light" onClick={() => setDialog('split')}>
            {t('workflow.split')}
          </Button>
        )}
        {features.merge && (
          <Button size="xs" variant="light" onClick={() => setDialog('merge')}>
            {t('workflow.merge')}
          </Button>
        )}
      </Group>
      <Text size="sm" c="teal.9" role="status" mt={done ? 'xs' : 0}>
        {done && (
          <>
            {done.kind === 'split'
              ? t('workflow.splitDone', { count: done.count })
              : t('workflow.mergeDone', { count: done.count })}{' '}
            <Link to={caseHref(done.number)}>{done.number}</Link>
          </>
        )}
      </Text>
      {dialog === 'close' && <CloseDialog detail={detail} onClose={() => setDialog(null)} />}
      {dialog === 'split' && (
        <SplitDialog
          detail={detail}
          onClose={() => setDialog(null)}
          onSplit={(child, count) => {
            setDialog(null);
            setDone({ kind: 'split', number: child, count });
          }}
        />
      )}
      {dialog === 'merge' && (
        <MergeDialog
          detail={detail}
          onClose={() => setDialog(null)}
          onMerged={(into, count) => {
            setDialog(null);
            setDone({ kind: 'merge', number: into, count });
          }}
        />
      )}
    </Paper>
  );
}

/** Cases split from, merged into or following up this one, with links both ways. */
export function RelatedCases({ number }: { number: string }) {
  const { t } = useTranslation();
  const features = useWorkflowFeatures();
  const links = useCaseLinks(number, features.links);
  const items = links.data?.items ?? [];
  if (items.length === 0) return null;
  return (
    <Paper withBorder p="md" radius="md" component="section" aria-labelledby="related-title">
      <Title order={2} size="h4" id="related-title" mb="xs">
        {t('workflow.related')}
      </Title>
      <Stack gap={6} component="ul" p={0} m={0} style={{ listStyle: 'none' }}>
        {items.map((link) => (
          <RelatedCase key={`${link.kind}-${link.direction}-${link.caseNumber}`} link={link} />
        ))}
      </Stack>
    </Paper>
  );
}

function RelatedCase({ link }: { link: CaseLink }) {
  const { t } = useTranslation();
  return (
    <li>
      <Text size="xs" c="dimmed">
        {t(`workflow.link.${link.kind}_${link.direction}`)}
      </Text>
      <Group gap="xs" wrap="nowrap">
        <Anchor component={Link} to={caseHref(link.caseNumber)} ff="monospace" size="sm">
          {link.caseNumber}
        </Anchor>
        {isStatus(link.status) ? (
          <StatusBadge status={link.status} />
        ) : (
          <Badge variant="outline">{link.status}</Badge>
        )}
      </Group>
      <Text size="sm" lineClamp={2}>
        {link.title}
      </Text>
    </li>
  );
}

const isStatus = (s: string): s is CaseDetail['status'] =>
  ['new', 'in_progress', 'waiting_for_customer', 'resolved', 'closed'].includes(s);
