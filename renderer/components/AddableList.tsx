import { useState } from 'react';
import { Button, Field, Input, makeStyles, Text, tokens } from '@fluentui/react-components';
import { Add20Regular, Delete20Regular } from '@fluentui/react-icons';

const useStyles = makeStyles({
  box: { display: 'flex', flexDirection: 'column', gap: '6px' },
  row: { display: 'flex', gap: '8px', alignItems: 'flex-start' },
  grow: { flexGrow: 1 },
  add: { marginTop: '26px' },
  list: { margin: 0, padding: 0, listStyleType: 'none', display: 'flex', flexDirection: 'column', gap: '2px' },
  item: { display: 'flex', gap: '8px', alignItems: 'center' },
  value: { fontFamily: tokens.fontFamilyMonospace, wordBreak: 'break-all' },
  none: { color: tokens.colorNeutralForeground3 },
});

export interface AddableListProps {
  /** The field's label, also the name of the list ("Folders to back up"). */
  label: string;
  /** The list's accessible name; must not contain `label`, or getByLabel would find two elements. */
  listLabel: string;
  hint?: string;
  placeholder?: string;
  /** What the Add button says ("Add folder"). */
  addText: string;
  emptyText: string;
  items: string[];
  /** Why a value can't be added, or null; shown under the field as the operator types. */
  problem: (value: string, items: string[]) => string | null;
  onChange: (items: string[]) => void;
}

/** An input that adds to a list, the list with a Remove button per entry. */
export function AddableList({ label, listLabel, hint, placeholder, addText, emptyText, items, problem, onChange }: AddableListProps) {
  const styles = useStyles();
  const [value, setValue] = useState('');
  const [touched, setTouched] = useState(false);
  const message = touched ? problem(value, items) : null;
  const add = () => {
    setTouched(true);
    if (problem(value, items)) return;
    onChange([...items, value.trim()]);
    setValue('');
    setTouched(false);
  };
  return (
    <div className={styles.box}>
      <div className={styles.row}>
        <Field className={styles.grow} label={label} hint={hint} validationMessage={message ?? undefined} validationState={message ? 'error' : 'none'}>
          <Input
            value={value}
            placeholder={placeholder}
            onChange={(_e, d) => {
              setValue(d.value);
              setTouched(d.value !== '');
            }}
            onKeyDown={(e) => {
              if (e.key === 'Enter') add();
            }}
          />
        </Field>
        <Button className={styles.add} icon={<Add20Regular />} onClick={add}>
          {addText}
        </Button>
      </div>
      {items.length === 0 && <Text className={styles.none}>{emptyText}</Text>}
      <ul className={styles.list} aria-label={listLabel}>
        {items.map((item) => (
          <li key={item} className={styles.item}>
            <Text className={styles.value}>{item}</Text>
            <Button size="small" appearance="subtle" icon={<Delete20Regular />} aria-label={`Remove ${item}`} onClick={() => onChange(items.filter((i) => i !== item))} />
          </li>
        ))}
      </ul>
    </div>
  );
}
