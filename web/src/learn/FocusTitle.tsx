// A heading that takes focus when it appears: after "Next" a keyboard or screen-reader user is at
// the top of the new page, and hears its title, instead of staying on a button that moved.
import { Title, type TitleOrder } from '@mantine/core';
import { type ReactNode, useEffect, useRef } from 'react';

export function FocusTitle({
  order,
  children,
  focusKey,
}: {
  order: TitleOrder;
  children: ReactNode;
  focusKey: string;
}) {
  const ref = useRef<HTMLHeadingElement>(null);
  // biome-ignore lint/correctness/useExhaustiveDependencies: focus again whenever the page (focusKey) changes
  useEffect(() => {
    ref.current?.focus();
  }, [focusKey]);
  return (
    <Title order={order} ref={ref} tabIndex={-1} mb="md" style={{ outlineOffset: 4 }}>
      {children}
    </Title>
  );
}
