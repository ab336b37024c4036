import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen } from '@testing-library/react';
import { ServiceNameField } from './ServiceNameField';

jest.setTimeout(60_000);

function props(
  name: string | undefined,
  profile: string | undefined,
  options: object = { domain: 'knot.test', scheme: 'https' },
) {
  return {
    formData: name,
    onChange: jest.fn(),
    schema: {
      title: 'Name',
      type: 'string',
      description: 'Lower-case letters, digits and dashes',
    },
    uiSchema: { 'ui:options': options },
    formContext: { formData: { name, profile } },
    idSchema: { $id: 'root_name' },
    rawErrors: [],
    required: true,
  } as any;
}

describe('ServiceNameField', () => {
  it('shows the address of the name and the profile as typed', async () => {
    await renderInTestApp(
      <ServiceNameField {...props('research-lab', 'alice')} />,
    );
    expect(
      await screen.findByText(
        'The service is reached at https://research-lab-alice.knot.test/',
      ),
    ).toBeInTheDocument();
  });

  it('shows the URL prefix in prefix mode', async () => {
    await renderInTestApp(
      <ServiceNameField
        {...props('lab', 'alice', {
          domain: 'knot.test',
          scheme: 'https',
          prefix: { host: 'services.knot.test', pathPrefix: '/services' },
        })}
      />,
    );
    expect(
      await screen.findByText(
        'The service is reached at https://services.knot.test/services/lab-alice/',
      ),
    ).toBeInTheDocument();
  });

  it('follows another profile and asks for what is missing', async () => {
    const { rerender } = await renderInTestApp(
      <ServiceNameField {...props('lab', 'team1')} />,
    );
    expect(
      await screen.findByText(
        'The service is reached at https://lab-team1.knot.test/',
      ),
    ).toBeInTheDocument();
    rerender(<ServiceNameField {...props(undefined, 'team1')} />);
    expect(
      await screen.findByText('Type a name to see the address of the service'),
    ).toBeInTheDocument();
  });

  it('hands what is typed to the form', async () => {
    const p = props('', 'alice');
    await renderInTestApp(<ServiceNameField {...p} />);
    fireEvent.change(screen.getByLabelText('Name', { exact: false }), {
      target: { value: 'notebook' },
    });
    expect(p.onChange).toHaveBeenCalledWith('notebook');
  });

  it('shows what the form found wrong instead of the address', async () => {
    await renderInTestApp(
      <ServiceNameField
        {...props('Bad_Name', 'alice')}
        rawErrors={['must match pattern']}
      />,
    );
    expect(await screen.findByText('must match pattern')).toBeInTheDocument();
  });
});
