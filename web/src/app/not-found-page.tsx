import { Anchor, Stack, Title } from '@mantine/core';
import { useTranslation } from 'react-i18next';
import { Link } from 'react-router';

export function NotFoundPage() {
  const { t } = useTranslation();
  return (
    <Stack>
      <Title order={1} size="h2">
        {t('app.notFound')}
      </Title>
      <Anchor component={Link} to="/queues/mine">
        {t('app.backToQueues')}
      </Anchor>
    </Stack>
  );
}
