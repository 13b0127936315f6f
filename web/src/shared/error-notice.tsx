import { Alert, Button, Group } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function ErrorNotice({ error, onRetry }: { error: Error; onRetry?: () => void }) {
  const { t } = useTranslation();
  return (
    <Alert color="red" role="alert" m="md">
      <Group justify="space-between">
        <span>{t('app.error', { message: error.message })}</span>
        {onRetry && (
          <Button size="xs" variant="light" onClick={onRetry}>
            {t('app.retry')}
          </Button>
        )}
      </Group>
    </Alert>
  );
}
