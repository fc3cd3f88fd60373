import { useEffect } from 'react';
import { Button, makeStyles, MessageBar, MessageBarBody, Spinner, Text, Title2, tokens } from '@fluentui/react-components';
import { ArrowClockwise20Regular } from '@fluentui/react-icons';
import { SignInPanel } from '../components/SignInPanel';
import { useCloudStore } from '../stores/cloud-store';
import { useJobsStore } from '../stores/jobs-store';
import { JobDetailView } from './jobs/JobDetailView';
import { JobListTable } from './jobs/JobListTable';

const useStyles = makeStyles({
  page: { display: 'flex', flexDirection: 'column', gap: '16px' },
  title: { margin: 0 },
  intro: { color: tokens.colorNeutralForeground2, maxWidth: '80ch' },
  row: { display: 'flex', gap: '12px', alignItems: 'center', flexWrap: 'wrap' },
});

/**
 * The job dashboard: every import job of the signed-in operator with its state, drives, progress and
 * the two-week tracking deadline; one job opened with its drives, logs, timeline and the changes its
 * state allows. The app also checks the jobs on a schedule and reports changes (`jobs.changed`).
 */
export function JobsPage() {
  const styles = useStyles();
  const { status, load: loadCloud } = useCloudStore();
  const { list, loading, error, selected, load } = useJobsStore();
  const signedIn = !!status?.account;

  useEffect(() => {
    if (!status) void loadCloud();
  }, [status, loadCloud]);
  useEffect(() => {
    if (signedIn) void load();
  }, [signedIn, load]);

  return (
    <section className={styles.page} aria-labelledby="jobs-title">
      <Title2 as="h1" id="jobs-title" className={styles.title}>
        Jobs
      </Title2>
      <Text className={styles.intro}>
        Your Azure Import/Export jobs: where each package is, what happened to each drive, and what to do next. Seedship checks them every few minutes and tells you when something changes.
      </Text>
      {!signedIn ? (
        <>
          <Text>Sign in to see your import jobs.</Text>
          <SignInPanel />
        </>
      ) : (
        <>
          <div className={styles.row}>
            <Text>Signed in as {status.account?.username}</Text>
            <Button icon={<ArrowClockwise20Regular />} disabled={loading} onClick={() => void load()}>
              Check now
            </Button>
            {loading && <Spinner size="tiny" label="Checking the jobs…" />}
            {list && !loading && <Text size={200}>Checked {new Date(list.checkedAt).toLocaleString()}</Text>}
          </div>
          {error?.where === 'list' && (
            <MessageBar intent="error">
              <MessageBarBody>{error.message}</MessageBarBody>
            </MessageBar>
          )}
          {list?.problems.map((p) => (
            <MessageBar key={p} intent="warning">
              <MessageBarBody>{p}</MessageBarBody>
            </MessageBar>
          ))}
          {list && <JobListTable jobs={list.jobs} />}
          {selected && <JobDetailView />}
        </>
      )}
    </section>
  );
}
