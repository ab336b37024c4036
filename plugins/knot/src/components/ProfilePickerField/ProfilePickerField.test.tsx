import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor, within } from '@testing-library/react';
import { knotApiRef, type KnotApi } from '../../api/KnotApi';
import { ProfilePickerField } from './ProfilePickerField';

jest.setTimeout(60_000);

function render(selected: string | undefined, formData?: string) {
  const onChange = jest.fn();
  const knotApi = {
    getMe: async () => ({
      username: 'alice',
      admin: false,
      teams: ['team1'],
      profiles: ['alice', 'team1'],
    }),
    getSelectedProfile: () => selected,
  } as Partial<KnotApi> as KnotApi;
  const props = {
    formData,
    onChange,
    schema: { title: 'Profile', type: 'string' },
    idSchema: { $id: 'root_profile' },
    rawErrors: [],
    required: false,
    uiSchema: {},
  } as any;
  renderInTestApp(<ProfilePickerField {...props} />, {
    apis: [[knotApiRef, knotApi]],
  });
  return { onChange };
}

describe('ProfilePickerField', () => {
  it('presets the profile chosen on the Account page', async () => {
    const { onChange } = render('team1');
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('team1'));
  });

  it('presets the signed-in user otherwise', async () => {
    const { onChange } = render(undefined);
    await waitFor(() => expect(onChange).toHaveBeenCalledWith('alice'));
  });

  it('offers the user and their teams', async () => {
    const { onChange } = render(undefined, 'alice');
    // The select shows the current choice; pressing it opens the list.
    fireEvent.mouseDown(await screen.findByText('alice (you)'));
    const list = within(await screen.findByRole('listbox'));
    expect(list.getAllByRole('option').map(o => o.textContent)).toEqual([
      'alice (you)',
      'team1',
    ]);
    fireEvent.click(list.getByText('team1'));
    expect(onChange).toHaveBeenCalledWith('team1');
  });
});
