import { Center, Loader } from '@mantine/core';
import { useTranslation } from 'react-i18next';

export function PageLoaderInline() {
  const { t } = useTranslation();
  return (
    <Center p="xl">
      <Loader aria-label={t('app.loading')} />
    </Center>
  );
}
