import { InputError } from '@backstage/errors';
import { HelmError } from './Helm';

/**
 * helm's refusal of the values (schema validation, a template that fails on
 * them) is the user's input problem: a 400 with helm's own words.
 */
export function helmInputError(e: unknown): unknown {
  if (!(e instanceof HelmError)) return e;
  const stderr = e.stderr;
  if (
    !/values don't meet the specifications|template:|parse error|cannot unmarshal|YAML/i.test(
      stderr,
    )
  ) {
    return e;
  }
  // Keep helm's findings, without its preamble and chart headings.
  const findings = stderr
    .split('\n')
    .map(l =>
      l
        .replace(/^Error: /, '')
        .replace(/^(UPGRADE|INSTALLATION) FAILED: /, '')
        .replace(/^- /, '')
        .trim(),
    )
    .filter(
      l =>
        l &&
        !/values don't meet the specifications/.test(l) &&
        !/^[\w.-]+:$/.test(l),
    );
  return new InputError(
    `The chart refused these values: ${findings.join('; ')}`,
  );
}
