import { useCallback, useEffect, useMemo, useState } from 'react';
import { Badge, Button, makeStyles, MessageBar, MessageBarBody, MessageBarTitle, Spinner, Text, Title3, tokens } from '@fluentui/react-components';
import { ArrowClockwise20Regular, CloudCheckmark20Regular } from '@fluentui/react-icons';
import type { AzureCheck } from '../../../shared/api/contract';
import type { OfflineDetails, Plan } from '../../../shared/backup/plan';
import { api } from '../../api';
import { CopyValue } from '../../components/CopyValue';
import { SignInPanel } from '../../components/SignInPanel';
import { useCloudStore } from '../../stores/cloud-store';
import { errorText } from '../../stores/error-text';
import { usePlanStore } from '../../stores/plan-store';
import { WizardFooter } from './WizardFooter';
import { nextStep, previousStep } from './wizard-steps';

const useStyles = makeStyles({
  step: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '760px' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '6px 16px', alignItems: 'center' },
  section: { margin: 0 },
  checks: { margin: 0, padding: 0, listStyleType: 'none', display: 'flex', flexDirection: 'column', gap: '8px' },
  check: {
    display: 'grid',
    gridTemplateColumns: '200px 90px 1fr',
    gap: '8px',
    alignItems: 'start',
    padding: '8px',
    borderRadius: tokens.borderRadiusMedium,
    backgroundColor: tokens.colorNeutralBackground2,
  },
  detail: { display: 'flex', flexDirection: 'column', gap: '6px', alignItems: 'flex-start' },
  row: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
});

const CHECK_NAMES: Record<AzureCheck['id'], string> = {
  subscription: 'Subscription',
  storageAccount: 'Storage account',
  container: 'Container',
  jobName: 'Import job name',
  provider: 'Microsoft.DataBox provider',
  entraApp: 'Entra application',
};
const STATUS_BADGE = {
  ok: { text: 'OK', color: 'success' },
  fixable: { text: 'Can fix', color: 'warning' },
  blocked: { text: 'Blocked', color: 'danger' },
} as const;

/**
 * Step 6: sign in, check the offline details against Azure (subscription, storage account kind,
 * container, job name, Microsoft.DataBox registration, Entra application), fix what Seedship can,
 * and prepare Azure (container + the Entra application that lets Azure Backup use the import service).
 */
export function AzureStep({ plan }: { plan: Plan & { offline: OfflineDetails } }) {
  const styles = useStyles();
  const { goTo, accept } = usePlanStore();
  const { status, load } = useCloudStore();
  const [checks, setChecks] = useState<AzureCheck[] | null>(null);
  const [busy, setBusy] = useState<string | null>(null);
  const [error, setError] = useState<string | null>(null);
  // Checks rerun when the details change, not whenever a save hands back an equal plan.
  const offlineKey = JSON.stringify(plan.offline);
  const offline = useMemo(() => JSON.parse(offlineKey) as OfflineDetails, [offlineKey]);
  const signedIn = Boolean(status?.account);

  useEffect(() => {
    void load();
  }, [load]);

  const runChecks = useCallback(async () => {
    setBusy('Checking Azure…');
    setError(null);
    try {
      setChecks((await api.plan.checkAzure(offline)).checks);
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
  }, [offline]);

  useEffect(() => {
    if (signedIn) void runChecks();
    else setChecks(null);
  }, [signedIn, runChecks]);

  const act = async (label: string, action: () => Promise<void>) => {
    setBusy(label);
    setError(null);
    try {
      await action();
    } catch (e) {
      setError(errorText(e));
    } finally {
      setBusy(null);
    }
    await runChecks();
  };
  const register = () =>
    act('Registering Microsoft.DataBox…', async () => {
      await api.plan.registerProvider({ subscriptionId: offline.subscriptionId });
    });
  const prepare = () =>
    act('Preparing Azure…', async () => {
      accept(await api.plan.prepareAzure(offline));
    });

  const blocked = checks?.some((c) => c.status === 'blocked') ?? true;
  const providerOk = checks?.find((c) => c.id === 'provider')?.status !== 'fixable';
  const canPrepare = signedIn && checks !== null && !blocked && providerOk && busy === null;

  return (
    <div className={styles.step}>
      <section aria-label="For disk prep" className={styles.facts}>
        <Text weight="semibold">Staging Location</Text>
        <CopyValue label="Staging Location" value={offline.stagingPath} testId="staging-location" />
        <Text weight="semibold">Import Job Name</Text>
        <CopyValue label="Import Job Name" value={offline.jobName} testId="import-job-name" />
      </section>
      <Text>You need these two for disk prep: write them down or copy them now.</Text>

      <Title3 as="h3" className={styles.section}>
        Sign in
      </Title3>
      {status?.account ? (
        <Text>
          Signed in as {status.account.username}
          {status.profile === 'local' ? ' (local cloud)' : ''}.
        </Text>
      ) : (
        <Text>Sign in as someone who can manage the storage account and create an application in Microsoft Entra ID.</Text>
      )}
      <SignInPanel />

      {signedIn && (
        <>
          <Title3 as="h3" className={styles.section}>
            Azure checks
          </Title3>
          {checks && (
            <ul className={styles.checks} aria-label="Azure checks">
              {checks.map((check) => (
                <li key={check.id} className={styles.check} data-check={check.id} data-status={check.status}>
                  <Text weight="semibold">{CHECK_NAMES[check.id]}</Text>
                  <Badge color={STATUS_BADGE[check.status].color}>{STATUS_BADGE[check.status].text}</Badge>
                  <div className={styles.detail}>
                    <Text>{check.message}</Text>
                    {check.status === 'fixable' && check.fix && <Text size={200}>{check.fix}</Text>}
                    {check.status === 'fixable' && check.id === 'provider' && (
                      <Button size="small" disabled={busy !== null} onClick={() => void register()}>
                        Register Microsoft.DataBox
                      </Button>
                    )}
                    {check.status === 'fixable' && check.id !== 'provider' && (
                      <Button size="small" aria-label={`Fix ${CHECK_NAMES[check.id]}`} disabled={!canPrepare} onClick={() => void prepare()}>
                        Fix
                      </Button>
                    )}
                  </div>
                </li>
              ))}
            </ul>
          )}
          <div className={styles.row}>
            <Button icon={<ArrowClockwise20Regular />} disabled={busy !== null} onClick={() => void runChecks()}>
              Check again
            </Button>
            <Button appearance="primary" icon={<CloudCheckmark20Regular />} disabled={!canPrepare} onClick={() => void prepare()}>
              Prepare Azure
            </Button>
            {busy && <Spinner size="tiny" label={busy} />}
          </div>
          {blocked && checks && (
            <Text>Fix what is blocked (in Azure or in the Offline details step), then check again.</Text>
          )}
        </>
      )}
      {error && (
        <MessageBar intent="error">
          <MessageBarBody>
            <MessageBarTitle>Azure didn’t accept that</MessageBarTitle>
            {error}
          </MessageBarBody>
        </MessageBar>
      )}
      {plan.azure && (
        <MessageBar intent="success" layout="multiline">
          <MessageBarBody>
            <MessageBarTitle>Azure is ready</MessageBarTitle>
            <div className={styles.facts} aria-label="Azure setup">
              <Text>Resource group</Text>
              <Text>{plan.azure.resourceGroup}</Text>
              <Text>Region</Text>
              <Text>{plan.azure.location}</Text>
              <Text>Container</Text>
              <Text>{plan.azure.containerCreated ? `${offline.container} (created by Seedship)` : offline.container}</Text>
              <Text>Entra application</Text>
              <Text>{plan.azure.entraAppId ?? '—'}</Text>
              <Text>Checked</Text>
              <Text>{new Date(plan.azure.checkedAt).toLocaleString()}</Text>
            </div>
          </MessageBarBody>
        </MessageBar>
      )}
      <WizardFooter
        onBack={() => void goTo(previousStep(6, plan))}
        nextDisabled={plan.azure === null || blocked || busy !== null}
        onNext={() => void goTo(nextStep(6, plan))}
      />
    </div>
  );
}
