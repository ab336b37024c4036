import { renderInTestApp } from '@backstage/frontend-test-utils';
import { fireEvent, screen, waitFor } from '@testing-library/react';
import type { KnotImageList } from '@knot-platform/plugin-knot-common';
import { imagesApiRef, type ImagesApi } from '../../api/ImagesApi';
import { ImagePickerField } from './ImagePickerField';

jest.setTimeout(60_000);

const tag = (reference: string) => ({
  tag: reference.split(':').pop()!,
  digest: 'sha256:0',
  platforms: ['linux/amd64'],
  reference,
});

const LIST: KnotImageList = {
  registry: 'registry.knot.internal',
  uploadAreas: { profile: 'alice' },
  canDelete: false,
  total: 2,
  items: [
    {
      repository: 'alice/notebook',
      area: 'profile',
      tags: [
        tag('registry.knot.internal/alice/notebook:1'),
        tag('registry.knot.internal/alice/notebook:2'),
      ],
    },
    {
      repository: 'shared/tools',
      area: 'shared',
      tags: [tag('registry.knot.internal/shared/tools:latest')],
    },
  ],
};

function render(listImages: ImagesApi['listImages'], formData?: string) {
  const onChange = jest.fn();
  const api = { listImages } as Partial<ImagesApi> as ImagesApi;
  const props = {
    formData,
    onChange,
    schema: { title: 'Image', type: 'string' },
    idSchema: { $id: 'root_values_image' },
    rawErrors: [],
    required: false,
    uiSchema: {},
  } as any;
  renderInTestApp(<ImagePickerField {...props} />, {
    apis: [[imagesApiRef, api]],
  });
  return { onChange };
}

describe('ImagePickerField', () => {
  it("offers every tag of the profile's images and takes the one chosen", async () => {
    const listImages = jest.fn(async () => LIST);
    const { onChange } = render(listImages, 'busybox:1.36');
    expect(
      await screen.findByText(
        "Pick one of the profile's 3 images or type any reference",
      ),
    ).toBeInTheDocument();
    expect(listImages).toHaveBeenCalledWith({
      filter: '',
      offset: 0,
      limit: 100,
    });
    const options = screen
      .getByTestId('root_values_image-images')
      .querySelectorAll('option');
    expect([...options].map(o => o.value)).toEqual([
      'registry.knot.internal/alice/notebook:1',
      'registry.knot.internal/alice/notebook:2',
      'registry.knot.internal/shared/tools:latest',
    ]);
    const input = screen.getByLabelText('Image') as HTMLInputElement;
    // The chart's default stays; the input is tied to the list.
    expect(input.value).toBe('busybox:1.36');
    expect(input.getAttribute('list')).toBe('root_values_image-images');
    fireEvent.change(input, {
      target: { value: 'registry.knot.internal/shared/tools:latest' },
    });
    expect(onChange).toHaveBeenCalledWith(
      'registry.knot.internal/shared/tools:latest',
    );
  });

  it('stays a text field, saying why, when the images cannot be listed', async () => {
    const { onChange } = render(async () => {
      throw new Error('No image registry is configured');
    });
    await waitFor(() =>
      expect(
        screen.getByText(/cannot be listed: No image registry is configured/),
      ).toBeInTheDocument(),
    );
    fireEvent.change(screen.getByLabelText('Image'), {
      target: { value: 'ghcr.io/org/app:1' },
    });
    expect(onChange).toHaveBeenCalledWith('ghcr.io/org/app:1');
  });
});
