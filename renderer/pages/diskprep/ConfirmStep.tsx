import { useEffect } from 'react';
import { Card, CardHeader, Field, Input, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Text, tokens } from '@fluentui/react-components';
import { formatBytes } from '../../../shared/drives/format-bytes';
import { DriveIssueList } from '../../components/DriveIssueList';
import { useCloudStore } from '../../stores/cloud-store';
import { useDiskPrepStore } from '../../stores/diskprep-store';
import { StepFooter } from './StepFooter';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '760px' },
  mono: { fontFamily: tokens.fontFamilyMonospace },
});

/** What the operator must type to erase a drive: its device path (on Windows, the letter without the colon). */
export function confirmationProblem(device: string, typed: string): string | null {
  if (typed === '') return null;
  return typed.trim() === device ? null : `Type ${device} exactly to confirm erasing it.`;
}

/** Step 4: every chosen drive is erased; the operator types each one's device path to agree. */
export function ConfirmStep() {
  const styles = useStyles();
  const { selected, drives, confirmations, setConfirmation, goTo, startPreparing } = useDiskPrepStore();
  const cloud = useCloudStore((s) => s.status);
  const loadCloud = useCloudStore((s) => s.load);
  useEffect(() => {
    void loadCloud();
  }, [loadCloud]);

  const all = selected.every((d) => (confirmations[d] ?? '').trim() === d);
  return (
    <div className={styles.step}>
      <MessageBar intent="warning">
        <MessageBarBody>
          <MessageBarTitle>Everything on these drives will be erased</MessageBarTitle>
          Formatting deletes every partition and file on the drive. Check that nothing on it is needed.
        </MessageBarBody>
      </MessageBar>
      {selected.map((device) => {
        const drive = drives?.drives.find((d) => d.device === device);
        const typed = confirmations[device] ?? '';
        const problem = confirmationProblem(device, typed);
        return (
          <Card key={device} aria-label={`Erase ${device}`}>
            <CardHeader
              header={<Text weight="semibold" className={styles.mono}>{device}</Text>}
              description={drive ? `${drive.model ?? drive.displayName}, ${formatBytes(drive.sizeBytes)}, serial ${drive.serial ?? 'unknown'}` : undefined}
            />
            {drive && drive.issues.length > 0 && <DriveIssueList issues={drive.issues} />}
            <Field label={`Type ${device} to confirm formatting`} validationMessage={problem ?? undefined} validationState={problem ? 'error' : 'none'}>
              <Input value={typed} autoComplete="off" spellCheck={false} onChange={(_e, d) => setConfirmation(device, d.value)} />
            </Field>
          </Card>
        );
      })}
      <StepFooter
        onBack={() => goTo('drives')}
        nextText={selected.length === 1 ? 'Erase and prepare the drive' : `Erase and prepare ${selected.length} drives`}
        nextDisabled={!all || selected.length === 0}
        onNext={() => {
          if (cloud?.account) void startPreparing();
          else goTo('signin');
        }}
      />
    </div>
  );
}
