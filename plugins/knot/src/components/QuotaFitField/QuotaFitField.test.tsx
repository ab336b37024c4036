import { renderInTestApp } from '@backstage/frontend-test-utils';
import { screen, waitFor } from '@testing-library/react';
import { knotApiRef, type KnotApi } from '../../api/KnotApi';
import { QuotaFitField, validateQuotaFit } from './QuotaFitField';

jest.setTimeout(60_000);

const refusal = "Needs 2 CPU, 1.5 CPU free of 4 in t's quota";

describe('QuotaFitField', () => {
  it("asks as the form's profile with its name and values, says the refusal and keeps it as its value", async () => {
    const checkServiceFit = jest.fn(async () => ({
      fits: false,
      message: refusal,
      shortfalls: [],
    }));
    const knotApi = { checkServiceFit } as Partial<KnotApi> as KnotApi;
    const onChange = jest.fn();
    const props = {
      formData: undefined,
      onChange,
      rawErrors: [],
      uiSchema: { 'ui:options': { chart: 'quota-test', version: '1.0.0' } },
      formContext: {
        formData: { name: 'big', profile: 't', values: { cpu: '1750m' } },
      },
    } as any;
    renderInTestApp(<QuotaFitField {...props} />, {
      apis: [[knotApiRef, knotApi]],
    });
    expect(await screen.findByText(refusal)).toBeInTheDocument();
    expect(checkServiceFit).toHaveBeenCalledWith(
      {
        chart: 'quota-test',
        version: '1.0.0',
        name: 'big',
        values: { cpu: '1750m' },
      },
      't',
    );
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith(refusal));
  });

  it('asks nothing before the form has a name and a profile', async () => {
    const checkServiceFit = jest.fn();
    const knotApi = { checkServiceFit } as Partial<KnotApi> as KnotApi;
    const onChange = jest.fn();
    const props = {
      onChange,
      uiSchema: { 'ui:options': { chart: 'quota-test', version: '1.0.0' } },
      formContext: { formData: { profile: 't' } },
    } as any;
    renderInTestApp(<QuotaFitField {...props} />, {
      apis: [[knotApiRef, knotApi]],
    });
    await waitFor(() => expect(onChange).toHaveBeenLastCalledWith('fits'));
    await new Promise(r => setTimeout(r, 800));
    expect(checkServiceFit).not.toHaveBeenCalled();
  });

  it('holds the form back only with a refusal', () => {
    const errors = (value?: string) => {
      const addError = jest.fn();
      validateQuotaFit(value, { addError } as any);
      return addError.mock.calls.map(c => c[0]);
    };
    expect(errors(refusal)).toEqual([refusal]);
    expect(errors('fits')).toEqual([]);
    expect(errors('checking')).toEqual([]);
    expect(errors(undefined)).toEqual([]);
  });
});
