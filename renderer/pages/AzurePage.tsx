import { useEffect, useState } from 'react';
import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, Radio, RadioGroup, Spinner, Text, Title2 } from '@fluentui/react-components';
import { SignInPanel } from '../components/SignInPanel';
import { useCloudStore } from '../stores/cloud-store';
import { useSettingsStore } from '../stores/settings-store';

const useStyles = makeStyles({
  title: { margin: 0 },
  page: { display: 'flex', flexDirection: 'column', gap: '16px', maxWidth: '760px' },
  facts: { display: 'grid', gridTemplateColumns: 'max-content 1fr', gap: '4px 16px' },
  row: { display: 'flex', gap: '8px', alignItems: 'center', flexWrap: 'wrap' },
});

const LOCAL_CLOUD_WORDS = { running: 'running', starting: 'starting…', stopped: 'stopped', failed: 'failed to start', 'not-used': 'not used' } as const;

/** Which Azure the app talks to, and who is signed in. */
export function AzurePage() {
  const styles = useStyles();
  const { status, load } = useCloudStore();
  const settings = useSettingsStore();
  const [clientId, setClientId] = useState('');
  const [tenantId, setTenantId] = useState('');

  useEffect(() => {
    void load();
    void settings.load();
  }, [load, settings.load]);
  useEffect(() => {
    setClientId(settings.settings?.azureClientId ?? '');
    setTenantId(settings.settings?.azureTenantId ?? '');
  }, [settings.settings?.azureClientId, settings.settings?.azureTenantId]);

  const profile = settings.settings?.cloudProfile ?? status?.profile ?? 'local';
  return (
    <section className={styles.page} aria-labelledby="azure-title">
      <Title2 as="h1" id="azure-title" className={styles.title}>
        Azure
      </Title2>
      <RadioGroup
        aria-label="Cloud"
        value={profile}
        onChange={(_e, d) => void settings.update({ cloudProfile: d.value as 'local' | 'AzurePublic' }).then(() => load())}
      >
        <Radio value="local" label="Local cloud: rehearse the whole journey on this computer, nothing leaves it" />
        <Radio value="AzurePublic" label="Azure: your real subscription" />
      </RadioGroup>
      {profile === 'AzurePublic' && (
        <div className={styles.row}>
          <Field label="Application (client) ID" validationMessage={settings.errors.azureClientId} validationState={settings.errors.azureClientId ? 'error' : 'none'}>
            <Input value={clientId} onChange={(_e, d) => setClientId(d.value)} placeholder="00000000-0000-0000-0000-000000000000" />
          </Field>
          <Field label="Tenant ID (optional)" validationMessage={settings.errors.azureTenantId} validationState={settings.errors.azureTenantId ? 'error' : 'none'}>
            <Input value={tenantId} onChange={(_e, d) => setTenantId(d.value)} placeholder="organizations" />
          </Field>
          <Button
            onClick={() =>
              void settings.update({ azureClientId: clientId.trim() || null, azureTenantId: tenantId.trim() || null }).then(async (ok) => {
                if (ok) await load();
              })
            }
          >
            Save
          </Button>
        </div>
      )}
      {!status && <Spinner label="Connecting to the cloud…" />}
      {status?.problem && (
        <MessageBar intent="warning">
          <MessageBarBody>{status.problem}</MessageBarBody>
        </MessageBar>
      )}
      {status && (
        <div className={styles.facts}>
          {status.profile === 'local' && (
            <>
              <Text weight="semibold">Local cloud</Text>
              <Text>{LOCAL_CLOUD_WORDS[status.localCloud]}</Text>
            </>
          )}
          <Text weight="semibold">Sign-in authority</Text>
          <Text>{status.authority ?? '—'}</Text>
          <Text weight="semibold">Resource Manager</Text>
          <Text>{status.armEndpoint ?? '—'}</Text>
          <Text weight="semibold">Account</Text>
          <Text>{status.account ? `${status.account.name ?? ''} ${status.account.username}`.trim() : 'Not signed in'}</Text>
        </div>
      )}
      <SignInPanel />
    </section>
  );
}
