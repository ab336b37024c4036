import { IMAGE_PICKER_FIELD } from '@knot-platform/plugin-knot-common';
import { schemaFromJsonSchema, schemaFromValuesYaml } from './valuesSchema';

const VALUES = `image: registry.knot.internal/shared/jupyter:1.0
sidecar:
  image: busybox:1.36
  # not an image: a number flagged by mistake
  replicas: 1
pullPolicy: IfNotPresent
knot:
  metadata:
    image:
      image: true
    sidecar.image:
      image: true
    sidecar.replicas:
      image: true
    pullPolicy:
      image: false
`;

describe('knot.metadata.<value>.image', () => {
  it('turns a string value into the image picker, keeping its default', () => {
    const form = schemaFromValuesYaml(VALUES);
    expect(form.properties!.image).toMatchObject({
      type: 'string',
      default: 'registry.knot.internal/shared/jupyter:1.0',
      'ui:field': IMAGE_PICKER_FIELD,
    });
    expect(form.properties!.sidecar.properties!.image).toMatchObject({
      'ui:field': IMAGE_PICKER_FIELD,
    });
  });

  it('leaves other values, false and non-strings alone', () => {
    const form = schemaFromValuesYaml(VALUES);
    expect(form.properties!.pullPolicy['ui:field']).toBeUndefined();
    expect(
      form.properties!.sidecar.properties!.replicas['ui:field'],
    ).toBeUndefined();
  });

  it('applies to a chart with its own values.schema.json too', () => {
    const form = schemaFromJsonSchema(
      {
        type: 'object',
        properties: {
          image: { type: 'string' },
          pullPolicy: { type: 'string' },
        },
      },
      VALUES,
    );
    expect(form.properties!.image['ui:field']).toBe(IMAGE_PICKER_FIELD);
    expect(form.properties!.pullPolicy['ui:field']).toBeUndefined();
  });
});
