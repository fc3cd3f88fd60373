import { useEffect } from 'react';
import { makeStyles, MessageBar, MessageBarBody, Text } from '@fluentui/react-components';
import { SignInPanel } from '../../components/SignInPanel';
import { useCloudStore } from '../../stores/cloud-store';
import { useDiskPrepStore } from '../../stores/diskprep-store';
import { StepFooter } from './StepFooter';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '720px' },
});

/** Step 5: sign in to Azure (the import job is created as the operator); skipped when already signed in. */
export function SignInStep() {
  const styles = useStyles();
  const { status, load } = useCloudStore();
  const { goTo, startPreparing, selected } = useDiskPrepStore();
  useEffect(() => {
    void load();
  }, [load]);
  return (
    <div className={styles.step}>
      <Text>Sign in with the account that can create import jobs in the storage account’s subscription.</Text>
      {status?.problem && (
        <MessageBar intent="error">
          <MessageBarBody>{status.problem}</MessageBarBody>
        </MessageBar>
      )}
      {status?.account && <Text>Signed in as {status.account.username}</Text>}
      <SignInPanel />
      <StepFooter
        onBack={() => goTo('confirm')}
        nextText={selected.length === 1 ? 'Erase and prepare the drive' : `Erase and prepare ${selected.length} drives`}
        nextDisabled={!status?.account}
        onNext={() => void startPreparing()}
      />
    </div>
  );
}
