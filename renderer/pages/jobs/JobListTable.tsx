import { Badge, Button, makeStyles, Table, TableBody, TableCell, TableHeader, TableHeaderCell, TableRow, Text, tokens } from '@fluentui/react-components';
import type { JobSummary } from '../../../shared/jobs/jobs-api';
import { refOf, useJobsStore } from '../../stores/jobs-store';
import { DeadlineText, StateBadge } from './job-badges';

const useStyles = makeStyles({
  reason: { color: tokens.colorPaletteRedForeground1 },
  muted: { color: tokens.colorNeutralForeground3 },
});

/** Every import job, newest first: state, drives, progress, package and the tracking deadline. */
export function JobListTable({ jobs }: { jobs: JobSummary[] }) {
  const styles = useStyles();
  const { open, selected } = useJobsStore();
  if (jobs.length === 0) return <Text>No import jobs yet. Disk prep creates one when your drives are ready.</Text>;
  return (
    <Table aria-label="Import jobs" size="small">
      <TableHeader>
        <TableRow>
          <TableHeaderCell>Job</TableHeaderCell>
          <TableHeaderCell>State</TableHeaderCell>
          <TableHeaderCell>Drives</TableHeaderCell>
          <TableHeaderCell>Complete</TableHeaderCell>
          <TableHeaderCell>Package</TableHeaderCell>
          <TableHeaderCell>Tracking deadline</TableHeaderCell>
        </TableRow>
      </TableHeader>
      <TableBody>
        {jobs.map((job) => (
          <TableRow key={job.id} aria-label={`Job ${job.name}`} aria-selected={selected?.jobName === job.name && selected.resourceGroup === job.resourceGroup}>
            <TableCell>
              <Button appearance="transparent" onClick={() => void open(refOf(job))}>
                {job.name}
              </Button>
              <Text size={200} className={styles.muted}>
                {job.resourceGroup}
                {job.createdByApp ? ' · created by Seedship' : ''}
              </Text>
            </TableCell>
            <TableCell>
              <StateBadge state={job.state} />
            </TableCell>
            <TableCell>{job.driveCount}</TableCell>
            <TableCell>{job.percentComplete === null ? '—' : `${job.percentComplete}%`}</TableCell>
            <TableCell>{job.trackingNumber ? `${job.carrierName ?? ''} ${job.trackingNumber}` : <Badge appearance="outline">No tracking number</Badge>}</TableCell>
            <TableCell>{job.deleted ? <Text className={styles.reason}>{job.deleted.reason}</Text> : <DeadlineText deadline={job.deadline} short />}</TableCell>
          </TableRow>
        ))}
      </TableBody>
    </Table>
  );
}
