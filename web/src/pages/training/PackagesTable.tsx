import { Badge, Button, Group, Table, Text, VisuallyHidden } from '@mantine/core';
import type { TrainingPackage } from '../../api/training';

const size = (bytes: number) =>
  bytes >= 1024 * 1024 ? `${(bytes / (1024 * 1024)).toFixed(1)} MB` : `${Math.max(1, Math.round(bytes / 1024))} KB`;

/** Own and shared SCORM packages; who may change which is decided by `canChange`. */
export function PackagesTable({
  packages,
  canChange,
  onArchive,
  onDelete,
}: {
  packages: TrainingPackage[];
  canChange: (p: TrainingPackage) => boolean;
  onArchive: (p: TrainingPackage, archived: boolean) => void;
  onDelete: (p: TrainingPackage) => void;
}) {
  return (
    <Table.ScrollContainer minWidth={720}>
      <Table verticalSpacing="sm" highlightOnHover>
        <Table.Thead>
          <Table.Tr>
            <Table.Th>Title</Table.Th>
            <Table.Th>Scope</Table.Th>
            <Table.Th>SCORM</Table.Th>
            <Table.Th>Language</Table.Th>
            <Table.Th>Size</Table.Th>
            <Table.Th>Uploaded</Table.Th>
            <Table.Th>
              <VisuallyHidden>Actions</VisuallyHidden>
            </Table.Th>
          </Table.Tr>
        </Table.Thead>
        <Table.Tbody>
          {packages.map((p) => (
            <Table.Tr key={p.id}>
              <Table.Td>
                <Text fw={500}>{p.title}</Text>
                {p.archivedAt && (
                  <Badge color="gray" variant="light" size="sm">
                    Archived
                  </Badge>
                )}
              </Table.Td>
              <Table.Td>
                {p.shared ? (
                  <Badge variant="light" color="violet">
                    Shared library
                  </Badge>
                ) : (
                  <Badge variant="light">This client</Badge>
                )}
              </Table.Td>
              <Table.Td>{p.scormVersion}</Table.Td>
              <Table.Td>{p.language ?? '—'}</Table.Td>
              <Table.Td>
                {size(p.sizeBytes)} · {p.fileCount} files
              </Table.Td>
              <Table.Td>{new Date(p.createdAt).toLocaleDateString()}</Table.Td>
              <Table.Td>
                {canChange(p) ? (
                  <Group gap="xs" justify="flex-end" wrap="nowrap">
                    <Button size="xs" variant="default" onClick={() => onArchive(p, !p.archivedAt)}>
                      {p.archivedAt ? 'Restore' : 'Archive'}
                    </Button>
                    <Button size="xs" variant="subtle" color="red" onClick={() => onDelete(p)}>
                      Delete
                    </Button>
                  </Group>
                ) : (
                  <Text size="xs" c="dimmed" ta="right">
                    Managed by the system administrators
                  </Text>
                )}
              </Table.Td>
            </Table.Tr>
          ))}
        </Table.Tbody>
      </Table>
    </Table.ScrollContainer>
  );
}
