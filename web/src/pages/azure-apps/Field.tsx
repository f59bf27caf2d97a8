import { Box, Text } from '@mantine/core';
import type { ReactNode } from 'react';

/** A labelled value in a details grid. */
export function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <Box>
      <Text size="xs" c="dimmed" tt="uppercase" fw={600}>
        {label}
      </Text>
      <Box fz="sm">{children}</Box>
    </Box>
  );
}
