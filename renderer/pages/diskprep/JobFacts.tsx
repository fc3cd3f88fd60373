import { makeStyles, Text } from '@fluentui/react-components';
import type { DiskPrepJob } from '../../../shared/diskprep/diskprep-api';
import { formatBytes } from '../../../shared/drives/format-bytes';

const useStyles = makeStyles({
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px' },
});

/** Where a job's data goes in Azure and how much of it is prepared already. */
export function JobFacts({ job }: { job: DiskPrepJob }) {
  const styles = useStyles();
  const rows: [string, string][] = [
    ['Storage account', job.storageAccount ?? '—'],
    ['Container', job.container ?? '—'],
    ['Resource group', job.resourceGroup ?? '—'],
    ['Region', job.location ?? '—'],
    ['Subscription', job.subscriptionId ?? '—'],
    ['Staged', `${formatBytes(job.stagedBytes)} (backed up ${new Date(job.createdAt).toLocaleString()})`],
    ['Prepared so far', job.preparedDrives === 0 ? 'No drives yet' : `${job.preparedDrives} drive${job.preparedDrives === 1 ? '' : 's'}, ${formatBytes(job.preparedBytes)}`],
  ];
  return (
    <dl className={styles.facts} aria-label={`Import job ${job.jobName}`}>
      {rows.map(([term, value]) => (
        <div key={term} style={{ display: 'contents' }}>
          <dt>
            <Text weight="semibold">{term}</Text>
          </dt>
          <dd style={{ margin: 0 }}>
            <Text data-fact={term}>{value}</Text>
          </dd>
        </div>
      ))}
    </dl>
  );
}
