import { Anchor, Text } from '@mantine/core';
import { Link } from 'react-router';
import { PageHeader } from '../components/PageHeader';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <Text>
        There is nothing at this address.{' '}
        <Anchor component={Link} to="/" underline="always">
          Go to the dashboard
        </Anchor>
      </Text>
    </>
  );
}
