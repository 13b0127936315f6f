import {
  Alert,
  Button,
  Center,
  Divider,
  Loader,
  Paper,
  PasswordInput,
  Stack,
  Text,
  TextInput,
  Title,
} from '@mantine/core';
import { type FormEvent, useEffect, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { useSearchParams } from 'react-router';
import { ApiError } from '../api/api-client.js';
import { LanguageSwitch } from '../app/language-switch.js';
import { usePortalSignIn, useRequestLink } from './portal-api.js';

/** Sign-in by mailed link (request one, or redeem ?token=…) or by password. */
export function PortalSignInPage() {
  const { t, i18n } = useTranslation();
  const [params, setParams] = useSearchParams();
  const token = params.get('token');
  const signIn = usePortalSignIn();
  const requestLink = useRequestLink();
  const [email, setEmail] = useState('');
  const [password, setPassword] = useState('');
  const redeemed = useRef(false);

  useEffect(() => {
    if (!token || redeemed.current) return;
    redeemed.current = true;
    // The token is single-use: take it out of the address bar (and history) whatever happens.
    setParams({}, { replace: true });
    signIn.mutate({ token });
  }, [token, setParams, signIn]);

  const locale = i18n.language === 'zh-CN' ? 'zh-CN' : 'en';
  const sendLink = (e: FormEvent) => {
    e.preventDefault();
    requestLink.mutate({ email: email.trim(), locale });
  };
  const submitPassword = (e: FormEvent) => {
    e.preventDefault();
    signIn.mutate({ email: email.trim(), password });
  };
  const error = signIn.error ?? requestLink.error;
  const message =
    error instanceof ApiError && error.status === 429
      ? t('portal.signIn.rateLimited')
      : error instanceof ApiError && error.code === 'portal.link_invalid'
        ? t('portal.signIn.linkInvalid')
        : error instanceof ApiError && error.status === 401
          ? t('portal.signIn.failed')
          : error
            ? t('app.error', { message: error.message })
            : null;

  if (signIn.isPending && 'token' in (signIn.variables ?? {})) {
    return (
      <Center component="main" mih="100vh">
        <Stack align="center">
          <Loader aria-label={t('portal.signIn.redeeming')} />
          <Text>{t('portal.signIn.redeeming')}</Text>
        </Stack>
      </Center>
    );
  }

  return (
    <Center component="main" mih="100vh" p="md" bg="gray.0">
      <Paper withBorder shadow="sm" p="xl" radius="md" w="100%" maw={420}>
        <Stack>
          <Title order={1} size="h3">
            {t('portal.signIn.title')}
          </Title>
          <Text size="sm" c="dimmed">
            {t('portal.signIn.intro')}
          </Text>
          {message && (
            <Alert color="red" role="alert">
              {message}
            </Alert>
          )}
          <form onSubmit={sendLink} aria-label={t('portal.signIn.sendLink')}>
            <Stack>
              <TextInput
                label={t('portal.signIn.email')}
                type="email"
                value={email}
                onChange={(e) => setEmail(e.currentTarget.value)}
                autoComplete="email"
                required
              />
              <Button type="submit" loading={requestLink.isPending}>
                {t('portal.signIn.sendLink')}
              </Button>
              {requestLink.isSuccess && (
                <Alert color="teal" role="status">
                  {t('portal.signIn.linkSent')}
                </Alert>
              )}
            </Stack>
          </form>
          <Divider label={t('portal.signIn.orPassword')} labelPosition="center" />
          <form onSubmit={submitPassword} aria-label={t('portal.signIn.orPassword')}>
            <Stack>
              <PasswordInput
                label={t('portal.signIn.password')}
                value={password}
                onChange={(e) => setPassword(e.currentTarget.value)}
                autoComplete="current-password"
                required
              />
              <Button type="submit" variant="default" loading={signIn.isPending} disabled={!email.trim()}>
                {t('portal.signIn.submit')}
              </Button>
            </Stack>
          </form>
          <LanguageSwitch />
        </Stack>
      </Paper>
    </Center>
  );
}
