import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// CI machines have 2 cores shared with a cluster and a browser: give
// findBy*/waitFor more than the 1 s default before calling a test failed.
configure({ asyncUtilTimeout: 10_000 });
jest.setTimeout(60_000);
