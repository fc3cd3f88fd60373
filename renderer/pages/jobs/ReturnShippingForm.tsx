import { useMemo, useState } from 'react';
import { Button, Field, Input, makeStyles, MessageBar, MessageBarBody, Select, Text, tokens } from '@fluentui/react-components';
import { IMPORT_EXPORT_CARRIERS, readShippingField, SHIPPING_FIELD_LABELS, shippingDetailsProblems, writeShippingField, type ShippingDraft, type ShippingField } from '../../../shared/diskprep/shipping-details';
import type { JobDetail } from '../../../shared/jobs/jobs-api';
import { useJobsStore } from '../../stores/jobs-store';
import { countryOptions } from '../diskprep/country-names';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '10px' },
  row: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '10px' },
  muted: { color: tokens.colorNeutralForeground2 },
});

type TextField = Exclude<ShippingField, 'countryOrRegion' | 'returnCarrier.name'>;

function fromDetail(d: JobDetail): ShippingDraft {
  const a = d.returnAddress;
  return {
    contactName: a?.recipientName ?? '',
    phone: a?.phone ?? '',
    email: a?.email ?? '',
    streetAddress1: a?.streetAddress1 ?? '',
    streetAddress2: a?.streetAddress2 ?? '',
    city: a?.city ?? '',
    stateOrProvince: a?.stateOrProvince ?? '',
    postalCode: a?.postalCode ?? '',
    countryOrRegion: a?.countryOrRegion ?? '',
    returnCarrier: { name: d.returnShipping?.carrierName ?? '', accountNumber: d.returnShipping?.carrierAccountNumber ?? '' },
  };
}


/** Return address, return carrier and its account number, checked with disk prep's rules; editable until Packaging. */
export function ReturnShippingForm({ detail }: { detail: JobDetail }) {
  const styles = useStyles();
  const { returnShipping, busy, error } = useJobsStore();
  const [draft, setDraft] = useState<ShippingDraft>(() => fromDetail(detail));
  const [submitted, setSubmitted] = useState(false);
  const countries = useMemo(() => countryOptions(), []);
  const allowance = detail.actions.returnShipping;
  const problems = shippingDetailsProblems(draft);
  const serviceError = error?.where === 'returnShipping' ? error : null;
  const serviceField = serviceError?.field?.replace(/^shipping\./, '');
  const message = (f: ShippingField) => (submitted ? problems[f] : undefined) ?? (serviceField === f ? serviceError?.message : undefined);
  const carriers = (IMPORT_EXPORT_CARRIERS as readonly string[]).filter((c) => detail.supportedCarriers.length === 0 || detail.supportedCarriers.includes(c));
  const text = (f: TextField, required = true) => (
    <Field label={SHIPPING_FIELD_LABELS[f]} required={required} validationMessage={message(f)} validationState={message(f) ? 'error' : 'none'}>
      <Input value={readShippingField(draft, f)} disabled={!allowance.allowed} onChange={(_e, d) => setDraft((x) => writeShippingField(x, f, d.value))} />
    </Field>
  );
  const select = (f: 'countryOrRegion' | 'returnCarrier.name', options: { value: string; label: string }[]) => (
    <Field label={SHIPPING_FIELD_LABELS[f]} required validationMessage={message(f)} validationState={message(f) ? 'error' : 'none'}>
      <Select value={readShippingField(draft, f)} disabled={!allowance.allowed} onChange={(_e, d) => setDraft((x) => writeShippingField(x, f, d.value))}>
        <option value="">Choose…</option>
        {options.map((o) => (
          <option key={o.value} value={o.value}>
            {o.label}
          </option>
        ))}
      </Select>
    </Field>
  );
  return (
    <form
      className={styles.form}
      aria-label="Return shipping"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        setSubmitted(true);
        if (Object.keys(problems).length > 0) return;
        const street2 = draft.streetAddress2?.trim() ?? '';
        void returnShipping({ ...draft, streetAddress2: street2 === '' ? undefined : street2, returnCarrier: { ...draft.returnCarrier } });
      }}
    >
      {!allowance.allowed && <Text className={styles.muted}>{allowance.reason}</Text>}
      {text('contactName')}
      <div className={styles.row}>
        {text('phone')}
        {text('email')}
      </div>
      {text('streetAddress1')}
      {text('streetAddress2', false)}
      <div className={styles.row}>
        {text('city')}
        {text('stateOrProvince', false)}
      </div>
      <div className={styles.row}>
        {text('postalCode')}
        {select('countryOrRegion', countries.map((c) => ({ value: c.code, label: c.name })))}
      </div>
      <div className={styles.row}>
        {select('returnCarrier.name', carriers.map((c) => ({ value: c, label: c })))}
        {text('returnCarrier.accountNumber')}
      </div>
      {serviceError && !serviceField && (
        <MessageBar intent="error">
          <MessageBarBody>{serviceError.message}</MessageBarBody>
        </MessageBar>
      )}
      <div>
        <Button type="submit" disabled={!allowance.allowed || busy !== null}>
          Save return shipping
        </Button>
      </div>
    </form>
  );
}
