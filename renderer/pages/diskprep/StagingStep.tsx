import { useEffect } from 'react';
import { Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text } from '@fluentui/react-components';
import { formatBytes } from '../../../shared/drives/format-bytes';
import { useDiskPrepStore } from '../../stores/diskprep-store';
import { useSettingsStore } from '../../stores/settings-store';
import { fullPathProblem } from '../backup/field-rules';
import { StepFooter } from './StepFooter';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '720px' },
  list: { margin: 0, paddingLeft: '20px' },
});

/** Step 1: the staging location Back Up Now wrote to (`diskprep s:<staging path>`); read its descriptor. */
export function StagingStep() {
  const styles = useStyles();
  const { stagingPath, staging, error, setStagingPath, readStaging } = useDiskPrepStore();
  const settings = useSettingsStore((s) => s.settings);
  const loadSettings = useSettingsStore((s) => s.load);

  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  // The staging location the backup wizard saved is the usual answer; the operator may type another.
  useEffect(() => {
    if (useDiskPrepStore.getState().stagingPath === '' && settings?.stagingPath) setStagingPath(settings.stagingPath);
  }, [settings?.stagingPath, setStagingPath]);

  const rule = stagingPath === '' ? null : fullPathProblem(stagingPath, 'staging location', '/srv/seedship-staging or \\\\server\\staging');
  const serviceSays = error?.field === 'stagingPath' ? error.message : null;
  const message = rule ?? serviceSays;
  const read = staging !== null && staging.stagingPath === stagingPath.trim();
  return (
    <form
      className={styles.step}
      onSubmit={(e) => {
        e.preventDefault();
        if (!rule && stagingPath.trim() !== '') void readStaging();
      }}
    >
      <Text>
        The folder or network share that Back Up Now wrote the initial backup to. This computer must be able to read all of it.
      </Text>
      <Field label="Staging location" required validationMessage={message ?? undefined} validationState={message ? 'error' : 'none'}>
        <Input value={stagingPath} placeholder="/srv/seedship-staging" onChange={(_e, d) => setStagingPath(d.value)} />
      </Field>
      {read && staging.jobs.length === 0 && (
        <MessageBar intent="warning">
          <MessageBarBody>
            <MessageBarTitle>No import job is staged here</MessageBarTitle>
            Run Back Up Now with a transfer using your own disks first.
          </MessageBarBody>
        </MessageBar>
      )}
      {read && staging.unreadable.length > 0 && (
        <MessageBar intent="error" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>This computer can’t read all of the staging location</MessageBarTitle>
            <ul className={styles.list} aria-label="Unreadable files">
              {staging.unreadable.map((u) => (
                <li key={u.path}>
                  {u.path}: {u.reason}
                </li>
              ))}
            </ul>
          </MessageBarBody>
        </MessageBar>
      )}
      {read && <Text data-testid="staging-size">{staging.files.toLocaleString()} files, {formatBytes(staging.bytes)} to copy.</Text>}
      <StepFooter nextText="Read staging" nextDisabled={stagingPath.trim() === '' || rule !== null} onNext={() => void readStaging()} errorTitle="Couldn’t read the staging location" showError={error?.field !== 'stagingPath'} />
    </form>
  );
}
