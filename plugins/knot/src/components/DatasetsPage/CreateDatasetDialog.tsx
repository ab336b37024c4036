import { useState } from 'react';
import { useApi } from '@backstage/frontend-plugin-api';
import type { KnotS3DatasetRequest } from '@knot-platform/plugin-knot-common';
import Button from '@material-ui/core/Button';
import Checkbox from '@material-ui/core/Checkbox';
import Dialog from '@material-ui/core/Dialog';
import DialogActions from '@material-ui/core/DialogActions';
import DialogContent from '@material-ui/core/DialogContent';
import DialogTitle from '@material-ui/core/DialogTitle';
import FormControlLabel from '@material-ui/core/FormControlLabel';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { datasetsApiRef } from '../../api/DatasetsApi';
import { errorMessage } from '../../api/errorMessage';

type TextFieldName = Exclude<keyof KnotS3DatasetRequest, 'type' | 'readOnly'>;

const FIELDS: Array<{
  name: TextFieldName;
  label: string;
  required?: boolean;
  helper?: string;
  secret?: boolean;
}> = [
  {
    name: 'name',
    label: 'Name',
    required: true,
    helper: 'Lowercase letters, digits and -: the folder /mnt/datasets/<name>',
  },
  {
    name: 'endpoint',
    label: 'Endpoint',
    required: true,
    helper: 'The S3 service, e.g. https://s3.example.org',
  },
  { name: 'bucket', label: 'Bucket', required: true },
  { name: 'prefix', label: 'Folder in the bucket (optional)' },
  { name: 'region', label: 'Region (optional)' },
  { name: 'accessKey', label: 'Access key', required: true },
  {
    name: 'secretKey',
    label: 'Secret key',
    required: true,
    secret: true,
    helper: 'Kept in a Kubernetes Secret; never shown again',
  },
];

/** Create an S3 dataset: "Test connection" first, then save. */
export function CreateDatasetDialog(props: {
  onClose: () => void;
  onCreated: () => void;
}) {
  const { onClose, onCreated } = props;
  const api = useApi(datasetsApiRef);
  const [values, setValues] = useState<Record<TextFieldName, string>>({
    name: '',
    endpoint: '',
    bucket: '',
    prefix: '',
    region: '',
    accessKey: '',
    secretKey: '',
  });
  const [readOnly, setReadOnly] = useState(true);
  const [busy, setBusy] = useState(false);
  const [tested, setTested] = useState<string>();
  const [error, setError] = useState<string>();

  const request = (): KnotS3DatasetRequest => ({
    ...values,
    type: 's3',
    readOnly,
  });
  const run = async (action: () => Promise<void>) => {
    setBusy(true);
    setError(undefined);
    try {
      await action();
    } catch (e) {
      setTested(undefined);
      setError(errorMessage(e));
    } finally {
      setBusy(false);
    }
  };
  const test = () =>
    run(async () => {
      const result = await api.testDataset(request());
      setTested(result.message);
    });
  const save = () =>
    run(async () => {
      await api.createDataset(request());
      onCreated();
    });
  const missing = FIELDS.some(f => f.required && !values[f.name]);

  return (
    <Dialog open onClose={onClose} maxWidth="sm" fullWidth>
      <DialogTitle>New S3 dataset</DialogTitle>
      <DialogContent>
        {FIELDS.map(f => (
          <TextField
            key={f.name}
            id={`dataset-${f.name}`}
            label={f.label}
            required={f.required}
            helperText={f.helper}
            type={f.secret ? 'password' : 'text'}
            autoComplete={f.secret ? 'new-password' : 'off'}
            value={values[f.name]}
            onChange={e => {
              setTested(undefined);
              setValues({ ...values, [f.name]: e.target.value });
            }}
            fullWidth
            margin="dense"
          />
        ))}
        <FormControlLabel
          control={
            <Checkbox
              checked={readOnly}
              onChange={e => setReadOnly(e.target.checked)}
            />
          }
          label="Read-only"
        />
        {tested && (
          <Typography role="status" color="primary">
            {tested}
          </Typography>
        )}
        {/* In plain sight: a collapsed panel would hide why it failed. */}
        {error && (
          <Typography role="alert" color="error">
            {error}
          </Typography>
        )}
      </DialogContent>
      <DialogActions>
        <Button onClick={onClose}>Cancel</Button>
        <Button onClick={test} disabled={busy || missing}>
          Test connection
        </Button>
        <Button
          color="primary"
          variant="contained"
          onClick={save}
          disabled={busy || missing}
        >
          Save
        </Button>
      </DialogActions>
    </Dialog>
  );
}
