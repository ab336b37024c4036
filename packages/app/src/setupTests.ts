import '@testing-library/jest-dom';
import { configure } from '@testing-library/react';

// findBy* waits longer than 1 s: renders are slow on a loaded shared machine.
configure({ asyncUtilTimeout: 30_000 });
