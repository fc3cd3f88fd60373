import { useEffect, useMemo, useState } from 'react';
import { Field, Input, makeStyles, Select, Text } from '@fluentui/react-components';
import {
  IMPORT_EXPORT_CARRIERS,
  readShippingField,
  SHIPPING_FIELD_LABELS,
  SHIPPING_FIELDS,
  shippingDetailsProblems,
  STATE_REQUIRED_COUNTRIES,
  writeShippingField,
  type ShippingDraft,
  type ShippingField,
} from '../../../shared/diskprep/shipping-details';
import { useDiskPrepStore } from '../../stores/diskprep-store';
import { countryOptions } from './country-names';
import { StepFooter } from './StepFooter';

const useStyles = makeStyles({
  form: { display: 'flex', flexDirection: 'column', gap: '12px', maxWidth: '720px' },
  row: { display: 'grid', gridTemplateColumns: '1fr 1fr', gap: '12px' },
  legend: { fontWeight: 600, padding: 0, marginBottom: '8px' },
  fieldset: { border: 'none', margin: 0, padding: 0, display: 'flex', flexDirection: 'column', gap: '12px' },
});

const EMPTY: ShippingDraft = {
  contactName: '',
  phone: '',
  email: '',
  streetAddress1: '',
  streetAddress2: '',
  city: '',
  stateOrProvince: '',
  postalCode: '',
  countryOrRegion: '',
  returnCarrier: { name: '', accountNumber: '' },
};

type TextField = Exclude<ShippingField, 'countryOrRegion' | 'returnCarrier.name'>;

/**
 * Step 9: who the datacenter contacts and where the drives come back to, with the carrier that
 * returns them. Each field is checked as it is typed with the rules of shared/diskprep/shipping-details.ts.
 */
export function ShippingStep() {
  const styles = useStyles();
  const { datacenter, error, loadPrepared, createImportJob, goTo } = useDiskPrepStore();
  const [draft, setDraft] = useState<ShippingDraft>(EMPTY);
  const [touched, setTouched] = useState<Set<ShippingField>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const countries = useMemo(() => countryOptions(), []);

  useEffect(() => {
    if (!datacenter) void loadPrepared();
  }, [datacenter, loadPrepared]);

  const problems = shippingDetailsProblems(draft);
  const serviceField = error?.field?.replace(/^shipping\./, '');
  const message = (field: ShippingField): string | undefined => {
    if (serviceField === field && error) return error.message;
    return touched.has(field) || submitted ? problems[field] : undefined;
  };
  const change = (field: ShippingField, value: string) => {
    setDraft((d) => writeShippingField(d, field, value));
    setTouched((t) => new Set(t).add(field));
  };
  const blur = (field: ShippingField) => setTouched((t) => new Set(t).add(field));

  // The region's carriers when the Locations API named them, else every carrier Import/Export works with.
  const carriers = (IMPORT_EXPORT_CARRIERS as readonly string[]).filter((c) => !datacenter || datacenter.supportedCarriers.length === 0 || datacenter.supportedCarriers.includes(c));
  const stateRequired = STATE_REQUIRED_COUNTRIES.includes(draft.countryOrRegion);

  const text = (field: TextField, options: { required?: boolean; type?: 'text' | 'email' | 'tel'; autoComplete?: string; hint?: string } = {}) => {
    const problem = message(field);
    return (
      <Field label={SHIPPING_FIELD_LABELS[field]} required={options.required ?? true} hint={options.hint} validationMessage={problem} validationState={problem ? 'error' : 'none'}>
        <Input
          type={options.type ?? 'text'}
          autoComplete={options.autoComplete}
          value={readShippingField(draft, field)}
          onChange={(_e, d) => change(field, d.value)}
          onBlur={() => blur(field)}
        />
      </Field>
    );
  };
  const select = (field: 'countryOrRegion' | 'returnCarrier.name', options: { value: string; label: string }[], placeholder: string) => {
    const problem = message(field);
    return (
      <Field label={SHIPPING_FIELD_LABELS[field]} required validationMessage={problem} validationState={problem ? 'error' : 'none'}>
        <Select value={readShippingField(draft, field)} onChange={(_e, d) => change(field, d.value)} onBlur={() => blur(field)}>
          <option value="">{placeholder}</option>
          {options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </Select>
      </Field>
    );
  };

  const submit = () => {
    setSubmitted(true);
    if (Object.keys(shippingDetailsProblems(draft)).length > 0) return;
    const street2 = draft.streetAddress2?.trim() ?? '';
    void createImportJob({
      ...draft,
      streetAddress2: street2 === '' ? undefined : street2,
      returnCarrier: { ...draft.returnCarrier },
    });
  };

  return (
    <form
      className={styles.form}
      aria-label="Shipping details"
      noValidate
      onSubmit={(e) => {
        e.preventDefault();
        submit();
      }}
    >
      <Text>The Import/Export service uses these to contact you and to ship the drives back. All fields are required except the second address line.</Text>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Contact</legend>
        {text('contactName', { autoComplete: 'name' })}
        <div className={styles.row}>
          {text('phone', { type: 'tel', autoComplete: 'tel', hint: 'Digits, spaces, + - ( ); 7 to 20 digits.' })}
          {text('email', { type: 'email', autoComplete: 'email' })}
        </div>
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Return address</legend>
        {select('countryOrRegion', countries.map((c) => ({ value: c.code, label: `${c.name} (${c.code})` })), 'Choose a country or region…')}
        {text('streetAddress1', { autoComplete: 'address-line1' })}
        {text('streetAddress2', { required: false, autoComplete: 'address-line2' })}
        <div className={styles.row}>
          {text('city', { autoComplete: 'address-level2' })}
          {text('stateOrProvince', { required: stateRequired, autoComplete: 'address-level1' })}
        </div>
        {text('postalCode', { autoComplete: 'postal-code' })}
      </fieldset>
      <fieldset className={styles.fieldset}>
        <legend className={styles.legend}>Return shipping</legend>
        <div className={styles.row}>
          {select('returnCarrier.name', carriers.map((c) => ({ value: c, label: c })), 'Choose a carrier…')}
          {text('returnCarrier.accountNumber', { hint: 'Your account with the carrier: 4 to 30 letters and digits.' })}
        </div>
      </fieldset>
      <StepFooter onBack={() => goTo('summary')} nextText="Create the import job" onNext={submit} errorTitle="Couldn’t create the import job"
        showError={!(SHIPPING_FIELDS as readonly string[]).includes(serviceField ?? '')}
      />
    </form>
  );
}
