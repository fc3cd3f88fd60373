import { Badge } from '@fluentui/react-components';
import type { DriveStatus } from '../../shared/drives/drive';

const LOOK: Record<DriveStatus, { label: string; color: 'success' | 'warning' | 'danger' | 'informative' }> = {
  ok: { label: 'Ready', color: 'success' },
  warning: { label: 'Check first', color: 'warning' },
  error: { label: 'Can’t use', color: 'danger' },
  blocked: { label: 'Never offered', color: 'informative' },
};

export function DriveStatusBadge({ status }: { status: DriveStatus }) {
  const look = LOOK[status];
  return (
    <Badge appearance="filled" color={look.color}>
      {look.label}
    </Badge>
  );
}
