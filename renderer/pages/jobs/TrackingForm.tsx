import { useState } from 'react';
import { Button, Checkbox, Field, Input, makeStyles, MessageBar, MessageBarBody, Select, Text, tokens } from '@fluentui/react-components';
import { carrierProblem, trackingNumberProblem } from '../../../shared/jobs/job-model';
import type { JobDetail } from '../../../shared/jobs/jobs-api';
import { useJobsStore } from '../../stores/jobs-store';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '12px' },
  muted: { color: tokens.colorNeutralForeground2 },
});

/** Carrier (from the datacenter's carriers) and tracking number; Seedship checks the number is unused by your other jobs first. */
export function TrackingForm({ detail }: { detail: JobDetail }) {
  const styles = useStyles();
  const { track, busy, error } = useJobsStore();
  const [carrier, setCarrier] = useState(detail.carrierName ?? '');
  const [tracking, setTracking] = useState(detail.trackingNumber ?? '');
  const [markShipped, setMarkShipped] = useState(true);
  const [submitted, setSubmitted] = useState(false);
  const allowance = detail.actions.track;
  const serviceError = error?.where === 'track' ? error : null;
  const carrierMessage = (submitted ? carrierProblem(carrier, detail.supportedCarriers) : null) ?? (serviceError?.field === 'carrierName' ? serviceError.message : null);
  const trackingMessage = (submitted ? trackingNumberProblem(tracking) : null) ?? (serviceError?.field === 'trackingNumber' ? serviceError.message : null);
  const otherError = serviceError && serviceError.field !== 'carrierName' && serviceError.field !== 'trackingNumber' ? serviceError.message : null;
  return (
    <form
      className={styles.form}
      aria-label="Tracking"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (carrierProblem(carrier, detail.supportedCarriers) || trackingNumberProblem(tracking)) return;
        void track(carrier, tracking.trim(), markShipped && detail.state === 'Creating');
      }}
    >
      {!allowance.allowed && <Text className={styles.muted}>{allowance.reason}</Text>}
      <Field label="Carrier" required validationMessage={carrierMessage ?? undefined} validationState={carrierMessage ? 'error' : 'none'}>
        <Select value={carrier} disabled={!allowance.allowed} onChange={(_e, d) => setCarrier(d.value)}>
          <option value="">Choose the carrier</option>
          {detail.supportedCarriers.map((c) => (
            <option key={c} value={c}>
              {c}
            </option>
          ))}
        </Select>
      </Field>
      <Field label="Tracking number" required validationMessage={trackingMessage ?? undefined} validationState={trackingMessage ? 'error' : 'none'} hint="One package and one tracking number per job.">
        <Input value={tracking} disabled={!allowance.allowed} onChange={(_e, d) => setTracking(d.value)} />
      </Field>
      {detail.state === 'Creating' && <Checkbox checked={markShipped} disabled={!allowance.allowed} onChange={(_e, d) => setMarkShipped(d.checked === true)} label="The drives have been shipped (mark the job Shipping)" />}
      {otherError && (
        <MessageBar intent="error">
          <MessageBarBody>{otherError}</MessageBarBody>
        </MessageBar>
      )}
      <div>
        <Button type="submit" appearance="primary" disabled={!allowance.allowed || busy !== null}>
          Save tracking
        </Button>
      </div>
    </form>
  );
}
