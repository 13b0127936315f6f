import { Grid } from '@mantine/core';
import { type ReactNode, useEffect, useState } from 'react';

/**
 * Renders its children once the page around it has been painted. The case page puts its side
 * panels (actions, composer, SLA, facts …) here: their inputs measure themselves (autosizing
 * text areas force a layout), which on a long timeline would hold back the first screen.
 */
export function AfterFirstPaint({ children }: { children: ReactNode }) {
  const [painted, setPainted] = useState(false);
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    // The frame callback runs just before the paint; the timeout after it.
    const frame = requestAnimationFrame(() => {
      timer = setTimeout(() => setPainted(true), 0);
    });
    return () => {
      cancelAnimationFrame(frame);
      if (timer !== undefined) clearTimeout(timer);
    };
  }, []);
  return painted ? children : null;
}

/** The case page's side column (a third of the width on wide screens, first on phones), filled after the first paint. */
export function SideColumn({ children }: { children: ReactNode }) {
  return (
    <Grid.Col span={{ base: 12, md: 4 }} order={{ base: 1, md: 2 }}>
      <AfterFirstPaint>{children}</AfterFirstPaint>
    </Grid.Col>
  );
}
