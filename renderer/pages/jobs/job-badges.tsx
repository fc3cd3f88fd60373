import { Badge, Text, tokens } from '@fluentui/react-components';
import type { JobSummary } from '../../../shared/jobs/jobs-api';

const COLORS: Record<string, 'informative' | 'success' | 'warning' | 'danger' | 'important' | 'subtle'> = {
  Creating: 'warning',
  Shipping: 'informative',
  Received: 'informative',
  Transferring: 'informative',
  Packaging: 'informative',
  Completed: 'success',
  Closed: 'danger',
  Faulted: 'danger',
  Deleted: 'danger',
  CompletedMoreInfo: 'warning',
  NeverReceived: 'danger',
};

/** A job or drive state as a coloured badge. */
export function StateBadge({ state }: { state: string }) {
  return (
    <Badge appearance="tint" color={COLORS[state] ?? 'subtle'} data-state={state}>
      {state}
    </Badge>
  );
}

/** The two-week countdown: days left, red from day 10, and what happens after it. */
export function DeadlineText({ deadline, short = false }: { deadline: JobSummary['deadline']; short?: boolean }) {
  if (!deadline || deadline.level === 'not-applicable') return <Text>—</Text>;
  if (deadline.level === 'met') return <Text>Met</Text>;
  const color = deadline.level === 'ok' ? undefined : tokens.colorPaletteRedForeground1;
  const text = short ? (deadline.level === 'overdue' ? 'Overdue: enter tracking now' : `${deadline.daysLeft} day${deadline.daysLeft === 1 ? '' : 's'} left`) : deadline.message;
  return (
    <Text style={color ? { color } : undefined} weight={deadline.level === 'ok' ? 'regular' : 'semibold'} data-deadline={deadline.level}>
      {text}
    </Text>
  );
}
