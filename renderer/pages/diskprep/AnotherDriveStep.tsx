import { makeStyles, MessageBar, MessageBarBody, MessageBarTitle } from '@fluentui/react-components';
import { formatBytes } from '../../../shared/drives/format-bytes';
import { chosenJob, drivesLeft, useDiskPrepStore } from '../../stores/diskprep-store';
import { DrivesStep } from './DrivesStep';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px' },
});

/** Step 7: the drives so far are full; the operator inserts another (the job takes at most 10). */
export function AnotherDriveStep() {
  const styles = useStyles();
  const state = useDiskPrepStore();
  const job = chosenJob(state);
  const left = drivesLeft(state);
  const plan = state.plan;
  return (
    <div className={styles.step}>
      <MessageBar intent={left > 0 ? 'warning' : 'error'} data-testid="insert-another">
        <MessageBarBody>
          <MessageBarTitle>{left > 0 ? 'Drive full: insert another drive' : 'This import job has 10 drives already'}</MessageBarTitle>
          {job?.preparedDrives ?? 0} drive{job?.preparedDrives === 1 ? '' : 's'} prepared.{' '}
          {plan ? `${plan.unplacedFiles.toLocaleString()} files (${formatBytes(plan.unplacedBytes)}) still need a drive.` : ''}{' '}
          {left > 0
            ? `Connect another drive and choose it below (${left} more allowed).`
            : 'The Import/Export service takes at most 10 drives per job: use larger drives, or back up less to this job.'}
        </MessageBarBody>
      </MessageBar>
      {left > 0 && <DrivesStep round={(job?.preparedDrives ?? 0) + 1} />}
    </div>
  );
}
