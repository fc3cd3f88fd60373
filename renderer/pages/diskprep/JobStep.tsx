import { makeStyles, MessageBar, MessageBarBody, Radio, RadioGroup, Text } from '@fluentui/react-components';
import { chosenJob, useDiskPrepStore } from '../../stores/diskprep-store';
import { JobFacts } from './JobFacts';
import { StepFooter } from './StepFooter';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '720px' },
});

/** Step 2: the import job this staging location was backed up for; several jobs → the operator picks. */
export function JobStep() {
  const styles = useStyles();
  const state = useDiskPrepStore();
  const { staging, jobName, chooseJob, goTo } = state;
  const job = chosenJob(state);
  if (!staging) return null;
  return (
    <div className={styles.step}>
      {staging.jobs.length > 1 ? (
        <RadioGroup aria-label="Import job" value={jobName ?? ''} onChange={(_e, d) => chooseJob(d.value)}>
          {staging.jobs.map((j) => (
            <Radio key={j.jobName} value={j.jobName} label={`${j.jobName}${j.importJobCreatedAt ? ' (import job already created)' : ''}`} />
          ))}
        </RadioGroup>
      ) : (
        <Text>
          This staging location holds one import job: <Text weight="semibold" data-testid="job-name">{staging.jobs[0]?.jobName}</Text>
        </Text>
      )}
      {job && <JobFacts job={job} />}
      {job?.importJobCreatedAt && (
        <MessageBar intent="info">
          <MessageBarBody>The import job {job.jobName} was created on {new Date(job.importJobCreatedAt).toLocaleString()}: its drives are ready to ship.</MessageBarBody>
        </MessageBar>
      )}
      <StepFooter
        onBack={() => goTo('staging')}
        nextDisabled={!job}
        onNext={() => {
          if (!job) return;
          if (job.importJobCreatedAt) {
            void useDiskPrepStore.getState().loadPrepared();
            goTo('summary');
          } else goTo('drives');
        }}
      />
    </div>
  );
}
