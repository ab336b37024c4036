import { datasetProvisionStatus } from './datasets';

describe('datasetProvisionStatus', () => {
  it("reads Datashim's provision status: OK is ready, Failed and Disabled are errors, anything else pending", () => {
    const withStatus = (status?: string) => ({
      status: status ? { provision: { status } } : undefined,
    });
    expect(datasetProvisionStatus(withStatus('OK'))).toBe('ready');
    expect(datasetProvisionStatus(withStatus('Failed'))).toBe('error');
    expect(datasetProvisionStatus(withStatus('Disabled'))).toBe('error');
    expect(datasetProvisionStatus(withStatus('Pending'))).toBe('pending');
    expect(datasetProvisionStatus(withStatus())).toBe('pending');
    expect(datasetProvisionStatus(undefined)).toBe('pending');
  });
});
