import { createTheme, MantineProvider } from '@mantine/core';
import { QueryCache, QueryClient, QueryClientProvider } from '@tanstack/react-query';
import { BrowserRouter } from 'react-router';
import { isUnauthorized } from '../api/api-client.js';
import { AppRoutes } from './app-routes.js';

const theme = createTheme({
  primaryColor: 'indigo',
  // Shade 8 keeps white button text and links above 4.5:1 contrast.
  primaryShade: 8,
  fontFamily:
    'system-ui, -apple-system, "Segoe UI", "PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", sans-serif',
});

function makeClient(): QueryClient {
  const client: QueryClient = new QueryClient({
    // A 401 anywhere means the session ended: forget who we were, which shows the sign-in page.
    queryCache: new QueryCache({
      onError: (error, query) => {
        if (isUnauthorized(error) && query.queryKey[0] !== 'me') client.setQueryData(['me'], null);
      },
    }),
    defaultOptions: {
      queries: { retry: (count, error) => !isUnauthorized(error) && count < 2, staleTime: 10_000 },
    },
  });
  return client;
}

const client = makeClient();

export function App() {
  return (
    <MantineProvider theme={theme} defaultColorScheme="light">
      <QueryClientProvider client={client}>
        <BrowserRouter>
          <AppRoutes />
        </BrowserRouter>
      </QueryClientProvider>
    </MantineProvider>
  );
}
