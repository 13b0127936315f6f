import { Alert, Text } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export type MutationState = { isPending: boolean; isSuccess: boolean; error: Error | null };

/** What became of a form's last submit: an alert on error, a polite status line on success. */
export function ActionOutcome({ mutation, success }: { mutation: MutationState; success?: string }) {
  const { t } = useTranslation();
  if (mutation.error)
    return (
      <Alert color="red" role="alert" p="xs">
        {t('app.error', { message: mutation.error.message })}
      </Alert>
    );
  return (
    <Text size="xs" c="teal.9" role="status" mih={18}>
      {mutation.isSuccess ? (success ?? t('actions.saved')) : ''}
    </Text>
  );
}
